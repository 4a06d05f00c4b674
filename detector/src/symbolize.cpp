// Symbolization via llvm-symbolizer; see symbolize.hpp.
#include "symbolize.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

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

// Runs llvm-symbolizer over `queries` (lines of input) for one module and
// returns its output split into per-query blocks of lines.
std::vector<std::vector<std::string>> run_symbolizer(const std::string& tool,
                                                     const std::string& module,
                                                     const std::vector<std::string>& queries) {
  std::vector<std::vector<std::string>> out(queries.size());
  std::string cmd = tool + " --demangle --inlining=true --obj='" + module + "'";
  for (const std::string& q : queries) cmd += " '" + q + "'";
  cmd += " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char line[4096];
  std::size_t i = 0;
  while (i < queries.size() && std::fgets(line, sizeof line, p)) {
    if (line[0] == '\n') {
      i++;
      continue;
    }
    out[i].emplace_back(line, strcspn(line, "\n"));
  }
  pclose(p);
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
  if (f.file == "??") f.file.clear();
  return f;
}

}  // namespace

std::vector<Frame> symbolize_stack(const std::vector<uintptr_t>& pcs) {
  std::vector<std::vector<Frame>> per_pc(pcs.size());
  std::map<std::string, std::vector<std::size_t>> by_module;
  std::vector<Module> mods(pcs.size());
  for (std::size_t i = 0; i < pcs.size(); i++)
    if (pcs[i] && module_of(pcs[i] - 1, mods[i])) by_module[mods[i].path].push_back(i);
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
