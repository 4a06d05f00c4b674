// Stack capture and symbolization; see stack_trace.hpp.
#include "stack_trace.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace csp::rt {
namespace {

std::string find_symbolizer() {
  if (const char* p = std::getenv("CHANSAN_SYMBOLIZER_PATH")) return p;
  const char* candidates[] = {"/usr/bin/llvm-symbolizer", "/usr/lib/llvm-14/bin/llvm-symbolizer",
                              "/usr/bin/llvm-symbolizer-14"};
  for (const char* c : candidates)
    if (access(c, X_OK) == 0) return c;
  return {};
}

// One printed frame: a function and where in it. A return address inside
// inlined code yields several frames, innermost first.
struct Frame {
  std::string function;
  std::string location;
};
struct Address {
  std::vector<Frame> frames;  // from the symbolizer; empty: use fallback
  Frame fallback;             // from the dynamic symbol table
};

// Symbolizes every address of one module with a single llvm-symbolizer run.
void symbolize_module(const std::string& tool, const char* module, const std::vector<int>& idx,
                      const std::vector<uintptr_t>& offsets, std::vector<Address>& out) {
  std::string cmd = tool + " --demangle --inlining=true --obj='" + module + "'";
  for (int i : idx) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " 0x%lx", static_cast<unsigned long>(offsets[i]));
    cmd += buf;
  }
  cmd += " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return;
  // Per address: (function, file:line:col) pairs, then a blank line.
  char line[4096];
  for (int i : idx) {
    for (;;) {
      if (!std::fgets(line, sizeof line, p) || line[0] == '\n') break;
      Frame f;
      f.function.assign(line, strcspn(line, "\n"));
      if (!std::fgets(line, sizeof line, p)) break;
      f.location.assign(line, strcspn(line, "\n"));
      if (f.function == "??" || f.location.rfind("??", 0) == 0) continue;
      out[i].frames.push_back(std::move(f));
    }
  }
  pclose(p);
}

// Plumbing a reader of a report does not need: standard-library templates
// (std::invoke, std::apply, ...), the go() trampoline, the goroutine entry
// and libc's start-up. csp API frames (chan::send, ...) stay, as Go shows
// runtime.chansend1.
bool is_plumbing(const Frame& f) {
  static const char* const kLocations[] = {"/include/c++/", "/csp/go.hpp:", "/csu/"};
  static const char* const kFunctions[] = {"goroutine_entry", "csp_ctx_start", "_start"};
  for (const char* l : kLocations)
    if (f.location.find(l) != std::string::npos) return true;
  for (const char* fn : kFunctions)
    if (f.function.find(fn) != std::string::npos) return true;
  return false;
}

}  // namespace

int capture_stack(void** pcs, int max) { return backtrace(pcs, max); }

void print_stack(std::FILE* out, void* const* pcs, int n, std::initializer_list<const char*> after) {
  std::vector<Address> addrs(n);
  std::vector<uintptr_t> offsets(n);
  std::vector<const char*> modules(n);
  for (int i = 0; i < n; i++) {
    // A return address points after the call; look up the call itself.
    uintptr_t pc = reinterpret_cast<uintptr_t>(pcs[i]) - (i > 0 ? 1 : 0);
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_fname) {
      modules[i] = info.dli_fname;
      offsets[i] = pc - reinterpret_cast<uintptr_t>(info.dli_fbase);
      addrs[i].fallback.location = info.dli_fname;
      if (info.dli_sname) {
        int status = 0;
        char* d = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
        addrs[i].fallback.function = status == 0 && d ? d : info.dli_sname;
        std::free(d);
      }
    }
  }
  std::string tool = find_symbolizer();
  if (!tool.empty()) {
    std::vector<bool> done(n);
    for (int i = 0; i < n; i++) {
      if (done[i] || !modules[i]) continue;
      std::vector<int> idx;
      for (int j = i; j < n; j++)
        if (!done[j] && modules[j] && std::strcmp(modules[j], modules[i]) == 0) {
          idx.push_back(j);
          done[j] = true;
        }
      symbolize_module(tool, modules[i], idx, offsets, addrs);
    }
  }
  std::vector<Frame> frames;
  for (Address& a : addrs) {
    if (a.frames.empty()) a.frames.push_back(a.fallback);
    for (Frame& f : a.frames) frames.push_back(std::move(f));
  }
  std::size_t first = 0;
  for (std::size_t i = 0; i < frames.size(); i++)
    for (const char* name : after)
      if (frames[i].function == name) first = i + 1;
  std::size_t shown = 0;
  for (std::size_t i = first; i < frames.size(); i++) {
    const Frame& f = frames[i];
    if (is_plumbing(f)) continue;
    std::fprintf(out, "    #%zu %s %s\n", shown++,
                 f.function.empty() ? "<unknown>" : f.function.c_str(),
                 f.location.empty() ? "<unknown module>" : f.location.c_str());
  }
}

}  // namespace csp::rt
