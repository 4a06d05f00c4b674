# lit configuration for chansan's end-to-end tests (compiler-rt style):
# each test is a small file with RUN: lines and FileCheck CHECK: lines.
import os
import lit.formats

config.name = "chansan"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".ll", ".cpp"]
config.excludes = ["Inputs"]  # programs that tests include or compile, not tests
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.chansan_build_dir, "tests", "lit")

llvm_bin = config.llvm_tools_dir
plugin = config.chansan_pass_plugin
# The .ll tests are written with opaque pointers (`ptr`), the only kind
# LLVM 17+ has; LLVM 14 reads them when asked to.
opaque = " -opaque-pointers" if config.llvm_version_major < 17 else ""
config.substitutions.append(("%opt_chansan", "%s/opt%s -load-pass-plugin=%s -passes=chansan -S" % (llvm_bin, opaque, plugin)))
config.substitutions.append(("%clangxx_chansan", "%s/clang++ -std=c++20 -fpass-plugin=%s" % (llvm_bin, plugin)))
# The driver users run (api.md §2); only the plain build tree has it.
driver = os.path.join(config.chansan_build_dir, "bin", "chansan-clang++")
if os.path.exists(driver):
    config.available_features.add("chansan-runtime")
# Tests of vector code built for AVX2 run only where the CPU has it.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx2" in cpuinfo.read():
            config.available_features.add("avx2")
except OSError:
    pass
config.substitutions.append(("%chansan_cxx", driver + " -g -O1"))
# Libraries from Debian's packages (scripts/deps.sh installs them): tests
# of real code that uses them run when they are there.
if os.path.exists("/usr/include/concurrentqueue/blockingconcurrentqueue.h"):
    config.available_features.add("concurrentqueue")
if os.path.exists("/usr/include/boost/thread/thread.hpp"):
    config.available_features.add("boost-thread")
if os.path.exists("/usr/include/tbb/parallel_for.h"):
    config.available_features.add("tbb")
if os.path.exists("/usr/include/absl/synchronization/mutex.h"):
    import subprocess
    absl_libs = subprocess.run(["pkg-config", "--libs", "absl_synchronization", "absl_flat_hash_map", "absl_strings"],
                               capture_output=True, text=True)
    if absl_libs.returncode == 0:
        config.available_features.add("absl")
        config.substitutions.append(("%absl_libs", absl_libs.stdout.strip()))
config.substitutions.append(("%explore", os.path.join(config.chansan_build_dir, "bin", "chansan-explore")))
config.substitutions.append(("%replay3", os.path.join(config.test_source_root, "schedule", "Inputs", "replay3.sh")))
config.substitutions.append(("%plain_cxx", driver + " -fno-chansan -g -O1"))
config.environment["CSP_MAXPROCS"] = "2"
config.substitutions.append(("FileCheck", os.path.join(llvm_bin, "FileCheck")))
config.substitutions.append(("%not", os.path.join(llvm_bin, "not")))
config.environment["PATH"] = os.pathsep.join([llvm_bin, config.environment.get("PATH", "")])

# SARIF logs are validated with Microsoft's SARIF Multitool, from the npm
# registry (scripts/deps.sh installs it globally); without it the
# validation tests are skipped, and lit says why.
import shutil
import subprocess

def find_sarif_multitool():
    if os.environ.get("SARIF_MULTITOOL"):
        return os.environ["SARIF_MULTITOOL"]
    roots = []
    if shutil.which("npm"):
        try:
            roots.append(subprocess.run(["npm", "root", "-g"], capture_output=True, text=True,
                                        timeout=60).stdout.strip())
        except Exception:
            pass
    roots += ["/usr/lib/node_modules", "/usr/local/lib/node_modules"]
    for root in roots:
        exe = os.path.join(root, "@microsoft", "sarif-multitool", "node_modules", "@microsoft",
                           "sarif-multitool-linux", "Sarif.Multitool")
        for candidate in (exe, os.path.join(root, "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")):
            if os.access(candidate, os.X_OK):
                return candidate
    return None

multitool = find_sarif_multitool()
if multitool:
    config.available_features.add("sarif-multitool")
    config.environment["SARIF_MULTITOOL"] = multitool
    # The Multitool is a .NET program: no telemetry, no first-run banner.
    config.environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    config.environment["DOTNET_NOLOGO"] = "1"
else:
    lit_config.note("SARIF Multitool not found (npm install -g @microsoft/sarif-multitool, as "
                    "scripts/deps.sh does): the SARIF validation tests are skipped")
inputs = os.path.join(config.test_source_root, "report", "Inputs")
config.substitutions.append(("%sarif_validate", os.path.join(inputs, "sarif_validate.sh")))
config.substitutions.append(("%sarif_fields", "python3 " + os.path.join(inputs, "sarif_fields.py")))
config.substitutions.append(("%findings", os.path.join(inputs, "findings.cpp")))

# chansan-report, and headless Chromium (Debian's chromium; scripts/deps.sh)
# to render its page in a test.
config.substitutions.append(("%chansan_report", os.path.join(config.chansan_build_dir, "bin", "chansan-report")))
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium:
    config.available_features.add("chromium")
    # As root (CI), Chromium runs only without its sandbox; no GPU here.
    config.substitutions.append(("%chromium", chromium + " --headless --no-sandbox --disable-gpu "
                                 "--hide-scrollbars --no-first-run --user-data-dir=" +
                                 os.path.join(config.test_exec_root, "chromium-profile")))
else:
    lit_config.note("chromium not found (apt-get install chromium, as scripts/deps.sh does): "
                    "the browser rendering test is skipped")
