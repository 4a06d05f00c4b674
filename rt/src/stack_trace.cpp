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

struct Frame {
  std::string function;
  std::string location;
};

// Symbolizes every frame of one module with a single llvm-symbolizer run.
void symbolize_module(const std::string& tool, const char* module, const std::vector<int>& idx,
                      const std::vector<uintptr_t>& offsets, std::vector<Frame>& out) {
  std::string cmd = tool + " --demangle --inlining=false --obj='" + module + "'";
  for (int i : idx) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " 0x%lx", static_cast<unsigned long>(offsets[i]));
    cmd += buf;
  }
  cmd += " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return;
  char line[4096];
  for (int i : idx) {
    if (!std::fgets(line, sizeof line, p)) break;
    std::string fn(line, strcspn(line, "\n"));
    if (!std::fgets(line, sizeof line, p)) break;
    std::string loc(line, strcspn(line, "\n"));
    std::fgets(line, sizeof line, p);  // blank separator
    if (fn != "??") out[i].function = fn;
    if (loc.rfind("??", 0) != 0) out[i].location = loc;
  }
  pclose(p);
}

}  // namespace

int capture_stack(void** pcs, int max) { return backtrace(pcs, max); }

void print_stack(std::FILE* out, void* const* pcs, int n, const char* after_frame) {
  std::vector<Frame> frames(n);
  std::vector<uintptr_t> offsets(n);
  std::vector<const char*> modules(n);
  for (int i = 0; i < n; i++) {
    // A return address points after the call; look up the call itself.
    uintptr_t pc = reinterpret_cast<uintptr_t>(pcs[i]) - (i > 0 ? 1 : 0);
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_fname) {
      modules[i] = info.dli_fname;
      offsets[i] = pc - reinterpret_cast<uintptr_t>(info.dli_fbase);
      if (info.dli_sname) {
        int status = 0;
        char* d = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
        frames[i].function = status == 0 && d ? d : info.dli_sname;
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
      symbolize_module(tool, modules[i], idx, offsets, frames);
    }
  }
  int first = 0;
  if (after_frame)
    for (int i = 0; i < n; i++)
      if (frames[i].function == after_frame) {
        first = i + 1;
        break;
      }
  for (int i = first; i < n; i++) {
    const Frame& f = frames[i];
    std::fprintf(out, "    #%d %s %s\n", i - first, f.function.empty() ? "<unknown>" : f.function.c_str(),
                 !f.location.empty() ? f.location.c_str()
                 : modules[i]        ? modules[i]
                                     : "<unknown module>");
  }
}

}  // namespace csp::rt
