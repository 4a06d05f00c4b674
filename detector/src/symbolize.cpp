// Symbolization via llvm-symbolizer; see symbolize.hpp.
#include "symbolize.hpp"

#include "internal_mutex.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace chansan {
namespace {

std::string symbolizer_path() {
  if (const char* p = std::getenv("CHANSAN_SYMBOLIZER_PATH")) return p;
  for (const char* c : {"/usr/bin/llvm-symbolizer", "/usr/lib/llvm-14/bin/llvm-symbolizer",
                        "/usr/bin/llvm-symbolizer-14"})
    if (access(c, X_OK) == 0) return c;
  return {};
}

struct Module {
  std::string path;
  uintptr_t offset;  // what llvm-symbolizer expects for this address
};

bool module_of(uintptr_t addr, Module& m) {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(addr), &info) || !info.dli_fbase) return false;
  auto base = reinterpret_cast<uintptr_t>(info.dli_fbase);
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(info.dli_fbase);
  m.offset = eh->e_type == ET_EXEC ? addr : addr - base;
  m.path = info.dli_fname && info.dli_fname[0] ? info.dli_fname : "";
  // The main executable: dladdr reports argv[0], which may be relative.
  if (m.path.empty() || m.path.find('/') == std::string::npos || access(m.path.c_str(), R_OK) != 0)
    m.path = "/proc/self/exe";
  return true;
}

std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string s = status == 0 && d ? d : name;
  std::free(d);
  return s;
}

// One llvm-symbolizer process per module, kept for the life of the
// process (reports are written under the report lock, so one at a time):
// a query is a line on its stdin; the answer is lines up to a blank line.
struct Symbolizer {
  pid_t pid = -1;
  std::FILE* in = nullptr;   // to the tool
  std::FILE* out = nullptr;  // from the tool
};

Symbolizer* start_symbolizer(const std::string& tool, const std::string& module) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return nullptr;
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return nullptr;
  }
  std::string obj = "--obj=" + module;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    const char* argv[] = {tool.c_str(), "--demangle", "--inlining=true", obj.c_str(), nullptr};
    execv(tool.c_str(), const_cast<char* const*>(argv));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  if (pid < 0) {
    close(to_child[1]);
    close(from_child[0]);
    return nullptr;
  }
  auto* s = new Symbolizer;
  s->pid = pid;
  s->in = fdopen(to_child[1], "w");
  s->out = fdopen(from_child[0], "r");
  return s;
}

// One report at a time asks the symbolizers (the race path holds the
// report lock; blocking reports are built on the watchdog thread and on
// locking goroutines).
InternalMutex symbolize_mu;

// The answers to `queries` for one module, as per-query blocks of lines.
std::vector<std::vector<std::string>> run_symbolizer(const std::string& tool,
                                                     const std::string& module,
                                                     const std::vector<std::string>& queries) {
  // Never destroyed: reports are written by exit handlers, after static
  // destructors of objects made later than the runtime's have run.
  static auto* tools = new std::map<std::string, Symbolizer*>;
  std::vector<std::vector<std::string>> out(queries.size());
  Symbolizer*& s = (*tools)[module];
  if (!s) s = start_symbolizer(tool, module);
  if (!s || !s->in || !s->out) return out;
  for (std::size_t i = 0; i < queries.size(); i++) {
    std::fprintf(s->in, "%s\n", queries[i].c_str());
    std::fflush(s->in);
    char line[4096];
    while (std::fgets(line, sizeof line, s->out)) {
      if (line[0] == '\n') break;
      out[i].emplace_back(line, strcspn(line, "\n"));
    }
  }
  return out;
}

Frame parse_frame(const std::string& function, const std::string& location) {
  Frame f;
  f.function = function;
  // file:line:col; the file may itself contain ':'.
  std::size_t c2 = location.rfind(':');
  std::size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : location.rfind(':', c2 - 1);
  if (c1 != std::string::npos) {
    f.file = location.substr(0, c1);
    f.line = std::atoi(location.c_str() + c1 + 1);
    f.column = std::atoi(location.c_str() + c2 + 1);
  }
  // The pass gives instrumented inline functions a name of their own.
  static const std::string kOwnName = " (.chansan)";
  if (f.function.size() > kOwnName.size() &&
      f.function.compare(f.function.size() - kOwnName.size(), kOwnName.size(), kOwnName) == 0)
    f.function.resize(f.function.size() - kOwnName.size());
  if (f.file == "??") f.file.clear();
  return f;
}

}  // namespace

std::vector<Frame> symbolize_stack(const std::vector<uintptr_t>& pcs) {
  InternalLock l(symbolize_mu);
  static auto& cache = *new std::map<uintptr_t, std::vector<Frame>>;  // never destroyed (see above)
  std::vector<std::vector<Frame>> per_pc(pcs.size());
  std::map<std::string, std::vector<std::size_t>> by_module;
  std::vector<Module> mods(pcs.size());
  for (std::size_t i = 0; i < pcs.size(); i++) {
    auto hit = cache.find(pcs[i]);
    if (hit != cache.end()) {
      per_pc[i] = hit->second;
      continue;
    }
    if (pcs[i] && module_of(pcs[i] - 1, mods[i])) by_module[mods[i].path].push_back(i);
  }
  std::string tool = symbolizer_path();
  if (!tool.empty()) {
    for (auto& [path, idx] : by_module) {
      std::vector<std::string> q;
      char buf[32];
      for (std::size_t i : idx) {
        std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(mods[i].offset - 1));
        q.push_back(buf);
      }
      auto blocks = run_symbolizer(tool, path, q);
      for (std::size_t k = 0; k < idx.size(); k++) {
        const auto& lines = blocks[k];
        for (std::size_t j = 0; j + 1 < lines.size(); j += 2)
          if (lines[j] != "??") per_pc[idx[k]].push_back(parse_frame(lines[j], lines[j + 1]));
        cache[pcs[idx[k]]] = per_pc[idx[k]];
      }
    }
  }
  std::vector<Frame> out;
  for (std::size_t i = 0; i < pcs.size(); i++) {
    if (per_pc[i].empty()) {
      Frame f;
      Dl_info info;
      if (pcs[i] && dladdr(reinterpret_cast<void*>(pcs[i] - 1), &info) && info.dli_sname)
        f.function = demangle(info.dli_sname);
      else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(pcs[i]));
        f.function = buf;
      }
      out.push_back(f);
      continue;
    }
    for (Frame& f : per_pc[i]) out.push_back(std::move(f));
  }
  return out;
}

bool symbolize_global(uintptr_t addr, std::string& name, uintptr_t& start, std::size_t& size) {
  InternalLock l(symbolize_mu);
  Module m;
  if (!module_of(addr, m)) return false;
  std::string tool = symbolizer_path();
  if (!tool.empty()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "DATA 0x%lx", static_cast<unsigned long>(m.offset));
    auto blocks = run_symbolizer(tool, m.path, {buf});
    const auto& lines = blocks[0];
    if (lines.size() >= 2 && lines[0] != "??") {
      unsigned long s = 0, n = 0;
      if (std::sscanf(lines[1].c_str(), "%lu %lu", &s, &n) == 2 && n > 0) {
        name = lines[0];
        start = addr - (m.offset - s);
        size = n;
        return true;
      }
    }
  }
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(addr), &info) && info.dli_sname && info.dli_saddr) {
    name = demangle(info.dli_sname);
    start = reinterpret_cast<uintptr_t>(info.dli_saddr);
    size = 0;
    return true;
  }
  return false;
}

}  // namespace chansan
