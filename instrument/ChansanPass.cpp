// The chansan instrumentation pass: an LLVM new-pass-manager plugin loaded
// by clang 14 with -fpass-plugin=. It rewrites a module so that the detector
// (detector/, through the C ABI in detector/include/chansan_interface.h)
// sees every memory access, atomic operation and function entry/exit that
// can take part in a data race.
//
// Invariants:
//  - The pass emits calls to __chansan_* functions and nothing else; it
//    knows nothing of the detector's data structures.
//  - Atomic instructions are replaced by runtime calls that perform them, so
//    an atomic operation and its happens-before effect are one step.
//  - What is left out cannot race: locals whose address never escapes,
//    constant data, and the csp runtime's own inline code (whose
//    synchronization the runtime reports itself). Each omission is counted
//    by reason (CHANSAN_PASS_STATS=1 prints the counts).
//  - It runs last in the optimisation pipeline, at every level (-O0 too),
//    so it instruments what survives optimisation, as TSan does.
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/EscapeEnumerator.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

#include <cstdlib>
#include <string>

using namespace llvm;

namespace {

// LLVM 14 and 19 spell a few things differently; the pass is built for
// either (CHANSAN_LLVM_VERSION). Everything else is the same API.
bool has_prefix(StringRef s, StringRef prefix) {
#if LLVM_VERSION_MAJOR >= 16
  return s.starts_with(prefix);
#else
  return s.startswith(prefix);
#endif
}

bool has_suffix(StringRef s, StringRef suffix) {
#if LLVM_VERSION_MAJOR >= 16
  return s.ends_with(suffix);
#else
  return s.endswith(suffix);
#endif
}

// The pointer type the runtime's entry points take: i8* on 14, ptr on 19
// (pointers are opaque from LLVM 17 on).
Type* byte_ptr_ty(LLVMContext& ctx) {
#if LLVM_VERSION_MAJOR >= 17
  return PointerType::getUnqual(ctx);
#else
  return Type::getInt8PtrTy(ctx);
#endif
}

// CHANSAN_PASS_STATS=1 prints what was instrumented and left out, per
// module. (An environment variable: clang parses -mllvm options before it
// loads a pass plugin, so a plugin's cl::opt cannot be set that way.)
bool stats_requested() {
  const char* v = std::getenv("CHANSAN_PASS_STATS");
  return v && *v && *v != '0';
}

// CHANSAN_LOOP_RANGES=0 checks every iteration of every loop (to compare
// the loop ranges' cost and findings against the per-access checks).
bool loop_ranges_enabled() {
  const char* v = std::getenv("CHANSAN_LOOP_RANGES");
  return !v || *v != '0';
}

// Sizes with a dedicated entry point: 1, 2, 4, 8, 16 bytes.
constexpr unsigned kNumSizes = 5;

int size_index(uint64_t bytes) {
  switch (bytes) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    default: return -1;
  }
}

// The C ABI's memory order encoding (that of __ATOMIC_*).
int abi_order(AtomicOrdering o) {
  switch (o) {
    case AtomicOrdering::NotAtomic:
    case AtomicOrdering::Unordered:
    case AtomicOrdering::Monotonic: return 0;
    case AtomicOrdering::Acquire: return 2;
    case AtomicOrdering::Release: return 3;
    case AtomicOrdering::AcquireRelease: return 4;
    case AtomicOrdering::SequentiallyConsistent: return 5;
  }
  return 5;
}

struct Stats {
  unsigned reads = 0, writes = 0, ranges = 0, atomics = 0, fences = 0, mem_calls = 0;
  unsigned masked = 0;  // masked vector loads, stores, gathers and scatters (a check per lane)
  unsigned tbb_tasks = 0;  // oneTBB task bodies (execute overrides) given start and finish edges
  unsigned functions = 0;
  unsigned csp_handle = 0;  // of the reads and writes: csp handles' own bytes
  // Loop accesses checked once before their loop, as the range all its
  // iterations touch (loop_ranges below), and the range checks emitted.
  unsigned loop_accesses = 0, loop_ranges = 0;
  // Left out, by reason.
  unsigned local_no_escape = 0, constant_data = 0, thread_local_data = 0, csp_runtime = 0,
           unmodelled_atomic = 0, read_before_write = 0;

  void print(StringRef module) const {
    errs() << "chansan: " << module << ": instrumented " << reads << " reads, " << writes
           << " writes, " << ranges << " range accesses, " << atomics << " atomics, " << fences
           << " fences, " << mem_calls << " mem calls, " << masked << " masked vector ops, "
           << tbb_tasks << " TBB task bodies, " << functions << " functions ("
           << csp_handle << " accesses to csp handles)\n"
           << "chansan: " << module << ": checked " << loop_accesses
           << " loop accesses once per loop run, as " << loop_ranges << " range checks\n"
           << "chansan: " << module << ": left out " << local_no_escape
           << " accesses to non-escaping locals, " << constant_data
           << " reads of constant data, " << thread_local_data << " accesses to thread_locals, "
           << csp_runtime << " csp runtime functions, "
           << unmodelled_atomic << " atomic ops with no runtime model (min/max/float), "
           << read_before_write << " reads followed by a write of the same bytes\n";
  }
};

// An access to base[ext(p)] (base invariant in the loop, p a unit-step
// counter, the extension one that keeps p's order): over the iterations
// that ran it touched every element from base[ext(start)] to its element
// in the leaving iteration (exit_ranges).
struct UnitStepIndex {
  GetElementPtrInst* gep = nullptr;
  PHINode* counter = nullptr;
  Instruction::CastOps ext = Instruction::CastOpsEnd;  // ZExt, SExt, or CastOpsEnd for none
  int direction = 0;                                   // +1 or -1
};

class Instrumenter {
 public:
  explicit Instrumenter(Module& m) : m_(m), dl_(m.getDataLayout()), ctx_(m.getContext()) {
    Type* void_ty = Type::getVoidTy(ctx_);
    Type* ptr_ty = byte_ptr_ty(ctx_);
    Type* size_ty = Type::getInt64Ty(ctx_);
    Type* int_ty = Type::getInt32Ty(ctx_);
    for (unsigned i = 0; i < kNumSizes; i++) {
      std::string n = std::to_string(1u << i);
      read_[i] = declare("__chansan_read" + n, void_ty, ptr_ty);
      write_[i] = declare("__chansan_write" + n, void_ty, ptr_ty);
      if (i > 0) {
        unaligned_read_[i] = declare("__chansan_unaligned_read" + n, void_ty, ptr_ty);
        unaligned_write_[i] = declare("__chansan_unaligned_write" + n, void_ty, ptr_ty);
      }
    }
    read_range_ = declare("__chansan_read_range", void_ty, ptr_ty, size_ty);
    write_range_ = declare("__chansan_write_range", void_ty, ptr_ty, size_ty);
    loop_read_ = declare("__chansan_loop_read", void_ty, ptr_ty, size_ty, size_ty);
    loop_write_ = declare("__chansan_loop_write", void_ty, ptr_ty, size_ty, size_ty);
    handle_read_ = declare("__chansan_handle_read", void_ty, ptr_ty, size_ty);
    handle_write_ = declare("__chansan_handle_write", void_ty, ptr_ty, size_ty);
    func_entry_ = declare("__chansan_func_entry", void_ty, ptr_ty);
    func_exit_ = declare("__chansan_func_exit", void_ty);
    task_start_ = declare("__chansan_task_start", void_ty, ptr_ty);
    task_finish_ = declare("__chansan_task_finish", void_ty);
    fence_ = declare("__chansan_atomic_thread_fence", void_ty, int_ty);
    memcpy_ = declare("__chansan_memcpy", ptr_ty, ptr_ty, ptr_ty, size_ty);
    memmove_ = declare("__chansan_memmove", ptr_ty, ptr_ty, ptr_ty, size_ty);
    memset_ = declare("__chansan_memset", ptr_ty, ptr_ty, int_ty, size_ty);
  }

  bool run_on(Function& f, FunctionAnalysisManager& fam);
  const Stats& stats() const { return stats_; }

 private:
  bool is_csp_runtime(const Function& f) const;
  bool can_race(Value* addr, bool is_write);
  SmallPtrSet<Instruction*, 16> reads_before_writes(Function& f, const SmallPtrSetImpl<Instruction*>& stores);
  struct ExitCandidate {
    Instruction* access;
    Loop* loop;
    const SCEV* ar;  // the address: an affine recurrence of the loop, or invariant (stride 0)
    int64_t stride;
    uint64_t bytes;
    bool is_write;
    // Or an element indexed by a unit-step counter (ar is null, counted.gep
    // set): stride is the element's size times the counter's direction.
    UnitStepIndex counted = {};
  };
  void exit_ranges(LoopInfo& li, ScalarEvolution& se, DominatorTree& dt, ArrayRef<ExitCandidate> cands,
                   SmallPtrSetImpl<Instruction*>& hoisted);
  void counted_exit_ranges(LoopInfo& li, DominatorTree& dt, const ExitCandidate& c,
                           ArrayRef<std::pair<BasicBlock*, bool>> exits);
  SmallPtrSet<Instruction*, 16> loop_ranges(Function& f, FunctionAnalysisManager& fam,
                                            ArrayRef<Instruction*> checked,
                                            const SmallPtrSetImpl<Instruction*>& skip);
  void instrument_access(Instruction* i, Value* addr, Type* ty, MaybeAlign align, bool is_write,
                         bool csp_handle);
  void instrument_atomic(Instruction* i);
  void instrument_mem_call(Instruction* i);
  void instrument_masked(IntrinsicInst* i);
  FunctionCallee atomic_fn(const std::string& op, unsigned bytes, Type* ret,
                           ArrayRef<Type*> params);
  FunctionCallee declare(StringRef name, FunctionType* type);
  template <class... Params>
  FunctionCallee declare(StringRef name, Type* ret, Params... params) {
    return declare(name, FunctionType::get(ret, {params...}, false));
  }

  Module& m_;
  const DataLayout& dl_;
  LLVMContext& ctx_;
  Stats stats_;
  FunctionCallee read_[kNumSizes], write_[kNumSizes];
  FunctionCallee unaligned_read_[kNumSizes], unaligned_write_[kNumSizes];
  FunctionCallee read_range_, write_range_, func_entry_, func_exit_, fence_;
  FunctionCallee loop_read_, loop_write_;
  FunctionCallee handle_read_, handle_write_;
  FunctionCallee task_start_, task_finish_;
  FunctionCallee memcpy_, memmove_, memset_;
};

// The csp runtime's inline code (handles' reference counts, closures'
// trampolines) reports its synchronization through the runtime itself; its
// internal accesses must create no happens-before edge nor report.
bool is_csp_name(StringRef n) {
  return has_prefix(n, "_ZN3csp") || has_prefix(n, "_ZNK3csp") || has_prefix(n, "_ZZN3csp") ||
         has_prefix(n, "_ZZNK3csp") || has_prefix(n, "__chansan_");
}

bool Instrumenter::is_csp_runtime(const Function& f) const { return is_csp_name(f.getName()); }

// Whether an instruction is the csp runtime's code. After inlining, a csp
// function (a goroutine's trampoline) may hold the user's lambda, and a user
// function may hold csp code (a channel handle's reference count). The
// instruction's debug location says where its code was written: walking out
// from the innermost inlined frame, standard-library frames are passed over
// (std::atomic inside csp's handle is csp's; std::invoke of the user's
// lambda is the user's), as are compiler-generated members, and the first frame in csp (by mangled name or by
// its header under include/csp/) or in user code decides. Without debug
// info, the enclosing function decides.
enum class Origin { csp, library, user, unknown };

Origin origin_of(const DISubprogram* sp) {
  if (!sp) return Origin::unknown;
  if (is_csp_name(sp->getLinkageName())) return Origin::csp;
  // Compiler-written members (a lambda's implicit move constructor) belong
  // to whoever calls them: csp::go moving the user's closure onto the new
  // goroutine's stack is csp's work.
  if (sp->isArtificial()) return Origin::library;
  std::string path = (sp->getDirectory() + "/" + sp->getFilename()).str();
  if (path.find("/include/csp/") != std::string::npos) return Origin::csp;
  if (path.find("/include/c++/") != std::string::npos) return Origin::library;
  return Origin::user;
}

bool from_csp_runtime(const Instruction& i, bool function_is_csp) {
  for (const DILocation* loc = i.getDebugLoc().get(); loc; loc = loc->getInlinedAt()) {
    switch (origin_of(loc->getScope()->getSubprogram())) {
      case Origin::csp: return true;
      case Origin::user: return false;
      case Origin::library:
      case Origin::unknown: break;
    }
  }
  return function_is_csp;
}

bool Instrumenter::can_race(Value* addr, bool is_write) {
  const Value* obj = getUnderlyingObject(addr);
  // A thread_local (LLVM 16+ reach it through llvm.threadlocal.address):
  // each thread has its own, and goroutines that share a worker thread are
  // the runtime's business, as are libstdc++'s own thread_locals (those of
  // std::call_once).
  if (const auto* call = dyn_cast<CallBase>(obj))
    if (const Function* callee = call->getCalledFunction();
        callee && has_prefix(callee->getName(), "llvm.threadlocal.address"))
      obj = getUnderlyingObject(call->getArgOperand(0));
  if (const auto* gv = dyn_cast<GlobalVariable>(obj); gv && gv->isThreadLocal()) {
    stats_.thread_local_data++;
    return false;
  }
  if (const auto* gv = dyn_cast<GlobalVariable>(obj)) {
    if (gv->isConstant() && !is_write) {
      stats_.constant_data++;
      return false;
    }
  }
  if (isa<AllocaInst>(obj) &&
      !PointerMayBeCaptured(obj, /*ReturnCaptures=*/true, /*StoreCaptures=*/true)) {
    stats_.local_no_escape++;
    return false;
  }
  return true;
}

void Instrumenter::instrument_access(Instruction* i, Value* addr, Type* ty, MaybeAlign align,
                                     bool is_write, bool csp_handle) {
  IRBuilder<> b(i);
  uint64_t bytes = dl_.getTypeStoreSize(ty).getFixedValue();
  Value* p = b.CreatePointerCast(addr, byte_ptr_ty(b.getContext()));
  if (csp_handle) {  // its own entry point: skipped inside the runtime's value transfers
    b.CreateCall(is_write ? handle_write_ : handle_read_, {p, b.getInt64(bytes)});
    (is_write ? stats_.writes : stats_.reads)++;
    return;
  }
  int idx = size_index(bytes);
  if (idx < 0) {
    b.CreateCall(is_write ? write_range_ : read_range_, {p, b.getInt64(bytes)});
    stats_.ranges++;
    return;
  }
  uint64_t a = align ? align->value() : 1;
  bool aligned = idx == 0 || a >= 8 || a >= bytes;
  FunctionCallee fn = aligned ? (is_write ? write_[idx] : read_[idx])
                              : (is_write ? unaligned_write_[idx] : unaligned_read_[idx]);
  b.CreateCall(fn, {p});
  (is_write ? stats_.writes : stats_.reads)++;
}

// Each lane of a masked access is checked as the scalar access it stands
// for, when its mask bit is set: a lane the mask leaves out touches no
// memory (a loop's tail past the array's end, another thread's elements).
// A lane whose bit is a constant 1 is checked unconditionally, a constant
// 0 not at all, any other under a branch on its bit.
void Instrumenter::instrument_masked(IntrinsicInst* i) {
  const Intrinsic::ID id = i->getIntrinsicID();
  const bool is_write = id == Intrinsic::masked_store || id == Intrinsic::masked_scatter;
  const bool per_lane_pointers = id == Intrinsic::masked_gather || id == Intrinsic::masked_scatter;
  // load(ptr, align, mask, passthru)    store(value, ptr, align, mask)
  // gather(ptrs, align, mask, passthru) scatter(value, ptrs, align, mask)
  Value* ptr = i->getArgOperand(is_write ? 1 : 0);
  const uint64_t align = cast<ConstantInt>(i->getArgOperand(is_write ? 2 : 1))->getZExtValue();
  Value* mask = i->getArgOperand(is_write ? 3 : 2);
  auto* vty = cast<FixedVectorType>(is_write ? i->getArgOperand(0)->getType() : i->getType());
  Type* elem = vty->getElementType();
  const uint64_t elem_bytes = dl_.getTypeStoreSize(elem).getFixedValue();
  const MaybeAlign lane_align(std::min(align ? align : 1, elem_bytes & -elem_bytes));
  if (!per_lane_pointers && !can_race(ptr, is_write)) return;
  stats_.masked++;
  auto* const_mask = dyn_cast<Constant>(mask);
  for (unsigned k = 0; k < vty->getNumElements(); k++) {
    Instruction* at = i;
    Constant* bit = const_mask ? const_mask->getAggregateElement(k) : nullptr;
    if (bit && bit->isNullValue()) continue;
    if (!bit || !bit->isOneValue()) {
      IRBuilder<> b(i);
      at = SplitBlockAndInsertIfThen(b.CreateExtractElement(mask, b.getInt64(k)), i, false);
    }
    IRBuilder<> b(at);
    Value* addr = per_lane_pointers
                      ? b.CreateExtractElement(ptr, b.getInt64(k))
                      : b.CreateConstGEP1_64(elem, b.CreatePointerCast(ptr, PointerType::getUnqual(elem)), k);
    instrument_access(at, addr, elem, lane_align, is_write, false);
  }
}

FunctionCallee Instrumenter::atomic_fn(const std::string& op, unsigned bytes, Type* ret,
                                       ArrayRef<Type*> params) {
  std::string name = "__chansan_atomic" + std::to_string(bytes) + "_" + op;
  return declare(name, FunctionType::get(ret, params, false));
}

// Runtime entry points never throw: without nounwind, the escape
// enumerator would wrap each call in an invoke with a cleanup path.
FunctionCallee Instrumenter::declare(StringRef name, FunctionType* type) {
  FunctionCallee c = m_.getOrInsertFunction(name, type);
  if (auto* f = dyn_cast<Function>(c.getCallee())) f->addFnAttr(Attribute::NoUnwind);
  return c;
}

void Instrumenter::instrument_atomic(Instruction* i) {
  IRBuilder<> b(i);
  Type* ptr_ty = byte_ptr_ty(b.getContext());
  Type* int32 = b.getInt32Ty();
  auto as_int = [&](Value* v, Type* int_ty) -> Value* {
    Type* t = v->getType();
    if (t->isPointerTy()) return b.CreatePtrToInt(v, int_ty);
    return t == int_ty ? v : b.CreateBitCast(v, int_ty);
  };
  auto from_int = [&](Value* v, Type* t) -> Value* {
    if (t->isPointerTy()) return b.CreateIntToPtr(v, t);
    return t == v->getType() ? v : b.CreateBitCast(v, t);
  };
  auto sized = [&](Type* t, unsigned& bytes) -> Type* {
    bytes = static_cast<unsigned>(dl_.getTypeStoreSize(t).getFixedValue());
    return size_index(bytes) < 0 ? nullptr : b.getIntNTy(bytes * 8);
  };
  unsigned bytes = 0;
  if (auto* li = dyn_cast<LoadInst>(i)) {
    Type* it = sized(li->getType(), bytes);
    if (!it) return void(stats_.unmodelled_atomic++);
    Value* v = b.CreateCall(atomic_fn("load", bytes, it, {ptr_ty, int32}),
                            {b.CreatePointerCast(li->getPointerOperand(), ptr_ty),
                             b.getInt32(abi_order(li->getOrdering()))});
    li->replaceAllUsesWith(from_int(v, li->getType()));
  } else if (auto* si = dyn_cast<StoreInst>(i)) {
    Value* val = si->getValueOperand();
    Type* it = sized(val->getType(), bytes);
    if (!it) return void(stats_.unmodelled_atomic++);
    b.CreateCall(atomic_fn("store", bytes, b.getVoidTy(), {ptr_ty, it, int32}),
                 {b.CreatePointerCast(si->getPointerOperand(), ptr_ty), as_int(val, it),
                  b.getInt32(abi_order(si->getOrdering()))});
  } else if (auto* rmw = dyn_cast<AtomicRMWInst>(i)) {
    const char* op = nullptr;
    switch (rmw->getOperation()) {
      case AtomicRMWInst::Xchg: op = "exchange"; break;
      case AtomicRMWInst::Add: op = "fetch_add"; break;
      case AtomicRMWInst::Sub: op = "fetch_sub"; break;
      case AtomicRMWInst::And: op = "fetch_and"; break;
      case AtomicRMWInst::Or: op = "fetch_or"; break;
      case AtomicRMWInst::Xor: op = "fetch_xor"; break;
      case AtomicRMWInst::Nand: op = "fetch_nand"; break;
      default: break;
    }
    Type* it = sized(rmw->getType(), bytes);
    if (!op || !it) return void(stats_.unmodelled_atomic++);
    Value* v = b.CreateCall(atomic_fn(op, bytes, it, {ptr_ty, it, int32}),
                            {b.CreatePointerCast(rmw->getPointerOperand(), ptr_ty),
                             as_int(rmw->getValOperand(), it),
                             b.getInt32(abi_order(rmw->getOrdering()))});
    rmw->replaceAllUsesWith(from_int(v, rmw->getType()));
  } else if (auto* cx = dyn_cast<AtomicCmpXchgInst>(i)) {
    Type* vt = cx->getCompareOperand()->getType();
    Type* it = sized(vt, bytes);
    if (!it) return void(stats_.unmodelled_atomic++);
    Value* expected = as_int(cx->getCompareOperand(), it);
    Value* old = b.CreateCall(
        atomic_fn("compare_exchange_val", bytes, it, {ptr_ty, it, it, int32, int32}),
        {b.CreatePointerCast(cx->getPointerOperand(), ptr_ty), expected,
         as_int(cx->getNewValOperand(), it), b.getInt32(abi_order(cx->getSuccessOrdering())),
         b.getInt32(abi_order(cx->getFailureOrdering()))});
    Value* success = b.CreateICmpEQ(old, expected);
    Value* res = UndefValue::get(cx->getType());
    res = b.CreateInsertValue(res, from_int(old, vt), 0);
    res = b.CreateInsertValue(res, success, 1);
    cx->replaceAllUsesWith(res);
  } else if (auto* fi = dyn_cast<FenceInst>(i)) {
    // A signal fence (single-thread scope) orders nothing between threads.
    if (fi->getSyncScopeID() == SyncScope::SingleThread) return;
    b.CreateCall(fence_, {b.getInt32(abi_order(fi->getOrdering()))});
    stats_.fences++;
    i->eraseFromParent();
    return;
  }
  stats_.atomics++;
  i->eraseFromParent();
}

void Instrumenter::instrument_mem_call(Instruction* i) {
  IRBuilder<> b(i);
  auto* call = cast<CallInst>(i);
  Value* dst = b.CreatePointerCast(call->getArgOperand(0), byte_ptr_ty(b.getContext()));
  Value* len = b.CreateIntCast(call->getArgOperand(2), b.getInt64Ty(), false);
  Value* r;
  if (isa<MemSetInst>(i) || call->getCalledFunction()->getName() == "memset") {
    Value* c = b.CreateIntCast(call->getArgOperand(1), b.getInt32Ty(), false);
    r = b.CreateCall(memset_, {dst, c, len});
  } else {
    Value* src = b.CreatePointerCast(call->getArgOperand(1), byte_ptr_ty(b.getContext()));
    bool move = isa<MemMoveInst>(i) || call->getCalledFunction()->getName() == "memmove";
    r = b.CreateCall(move ? memmove_ : memcpy_, {dst, src, len});
  }
  if (!call->getType()->isVoidTy()) call->replaceAllUsesWith(b.CreatePointerCast(r, call->getType()));
  stats_.mem_calls++;
  i->eraseFromParent();
}

bool is_mem_call(const Instruction& i) {
  if (isa<MemSetInst>(i) || isa<MemTransferInst>(i)) {
    // Element-wise atomic variants have their own semantics; leave them.
    return !isa<AnyMemIntrinsic>(i) || isa<MemIntrinsic>(i);
  }
  if (const auto* call = dyn_cast<CallInst>(&i)) {
    if (const Function* f = call->getCalledFunction()) {
      StringRef n = f->getName();
      return (n == "memcpy" || n == "memmove" || n == "memset") && call->arg_size() == 3;
    }
  }
  return false;
}

// A member of one of csp's handle classes: chan, context, cancel_func,
// timer, ticker. A handle's bytes are the user's memory, as a channel
// variable is in Go: its copy, assignment and the load of its pointer in
// send or recv are the program's accesses, and Go's -race reports a
// handle assigned in one goroutine and used in another. Everything else
// the handle does (its reference count, the channel itself) happens out of
// line, in the runtime, and stays unseen.
bool is_csp_handle_member(StringRef n) {
  for (const char* prefix : {"_ZN3csp4chanI", "_ZNK3csp4chanI", "_ZN3csp7context", "_ZNK3csp7context",
                             "_ZN3csp11cancel_func", "_ZNK3csp11cancel_func", "_ZN3csp5timer",
                             "_ZNK3csp5timer", "_ZN3csp6ticker", "_ZNK3csp6ticker"})
    if (has_prefix(n, prefix)) return true;
  return false;
}

// Whether csp code's instruction `i` is a handle member's (the innermost
// csp frame, as from_csp_runtime finds it, decides).
bool in_csp_handle(const Instruction& i, const Function& f) {
  for (const DILocation* loc = i.getDebugLoc().get(); loc; loc = loc->getInlinedAt()) {
    const DISubprogram* sp = loc->getScope()->getSubprogram();
    switch (origin_of(sp)) {
      case Origin::csp: return is_csp_handle_member(sp->getLinkageName());
      case Origin::user: return false;
      case Origin::library:
      case Origin::unknown: break;
    }
  }
  return is_csp_handle_member(f.getName());
}

// llvm.masked.{load,store,gather,scatter}: the vectorizer's accesses of
// some lanes only (a loop's tail, a strided or indexed access). Fixed
// vectors only: no target here has scalable ones.
bool is_masked_access(const Instruction& i) {
  const auto* ii = dyn_cast<IntrinsicInst>(&i);
  if (!ii) return false;
  switch (ii->getIntrinsicID()) {
    case Intrinsic::masked_load:
    case Intrinsic::masked_gather:
      return isa<FixedVectorType>(ii->getType());
    case Intrinsic::masked_store:
    case Intrinsic::masked_scatter:
      return isa<FixedVectorType>(ii->getArgOperand(0)->getType());
    default:
      return false;
  }
}

bool is_plain_access(const Instruction& i) {
  if (const auto* li = dyn_cast<LoadInst>(&i)) return !li->isAtomic();
  if (const auto* si = dyn_cast<StoreInst>(&i)) return !si->isAtomic();
  return false;
}

// memcmp and bcmp: the code generator expands small ones into plain loads
// after this pass has run, where no interceptor sees them, so both ranges
// are checked here as reads (TSan's strict_memcmp: the whole length).
bool is_mem_compare(const Instruction& i) {
  if (const auto* call = dyn_cast<CallInst>(&i))
    if (const Function* f = call->getCalledFunction())
      return (f->getName() == "memcmp" || f->getName() == "bcmp") && call->arg_size() == 3;
  return false;
}

// A point where this goroutine's happens-before knowledge may change, or
// where it may run other code: an atomic operation, a fence, or a call that
// is not an LLVM intrinsic (a call may synchronize, switch goroutines or
// free memory). Intrinsics (fmuladd, lifetime markers, memcpy, ...) do none
// of that.
bool is_sync_point(const Instruction& i) {
  if (auto* li = dyn_cast<LoadInst>(&i)) return li->isAtomic();
  if (auto* si = dyn_cast<StoreInst>(&i)) return si->isAtomic();
  if (isa<AtomicRMWInst>(i) || isa<AtomicCmpXchgInst>(i) || isa<FenceInst>(i)) return true;
  if (auto* call = dyn_cast<CallBase>(&i)) return !isa<IntrinsicInst>(call);
  return false;
}

// TSan's read-before-write rule, kept sound for a happens-before detector:
// a load whose bytes a checked store of the same address overwrites later
// in the same basic block, with no sync point between, needs no check of
// its own. The two run with one vector clock (clocks change only at sync
// points), so whatever access races with the read is unordered with the
// write too, and conflicts with it (it conflicts with the read, so it is a
// write); the write's check, or that access's check against the write's
// cell, reports it. The report names the write's line (as TSan's does).
// `x += v`, `a[i]++` and matmul's `c[j] += a * b[j]` check once, not twice.
SmallPtrSet<Instruction*, 16> Instrumenter::reads_before_writes(Function& f,
                                                               const SmallPtrSetImpl<Instruction*>& stores) {
  SmallPtrSet<Instruction*, 16> omitted;
  for (BasicBlock& bb : f) {
    SmallDenseMap<Value*, uint64_t, 8> written;  // address -> bytes a later store covers
    for (Instruction& i : reverse(bb)) {
      if (is_sync_point(i)) {
        written.clear();
        continue;
      }
      if (auto* si = dyn_cast<StoreInst>(&i)) {
        if (!stores.count(si)) continue;
        uint64_t bytes = dl_.getTypeStoreSize(si->getValueOperand()->getType()).getFixedValue();
        uint64_t& w = written[si->getPointerOperand()->stripPointerCasts()];
        if (bytes > w) w = bytes;
      } else if (auto* li = dyn_cast<LoadInst>(&i)) {
        if (li->isVolatile()) continue;
        auto it = written.find(li->getPointerOperand()->stripPointerCasts());
        if (it != written.end() && dl_.getTypeStoreSize(li->getType()).getFixedValue() <= it->second) {
          omitted.insert(li);
          stats_.read_before_write++;
        }
      }
    }
  }
  return omitted;
}

// Loop ranges (BigFoot's and Go's racereadrange idea, issue 13): an access
// that every iteration of an innermost loop makes, at an address that
// moves by a constant stride no wider than the access, touches exactly the
// bytes [low, low + trip_count * |stride| + size - |stride|). When nothing
// in the loop can synchronize (no call but side-effect-free intrinsics, no
// atomic, no fence), all its iterations run in one epoch of one vector
// clock, so checking that range once in the preheader finds exactly the
// races the per-iteration checks would: the same bytes, the same clock.
// The conditions keep the range exact, never wider than what runs:
//  - the loop has one exiting block, its latch, and a backedge-taken count
//    that SCEV computes: the preheader runs only when the loop is entered,
//    and a block that dominates the latch runs on every iteration;
//  - no block of the loop ends in `unreachable` (a trap would leave early);
//  - only innermost loops: an inner loop may not terminate.
// The check carries the access's debug location, so a report names the
// loop access's line (and its inlined frames). A read whose range a write
// of the same loop also checks needs no check of its own (the loop form of
// the read-before-write rule).
namespace {
// SCEVExpander's question, asked the way each LLVM version spells it.
bool safe_to_expand_at(const SCEVExpander& expander, ScalarEvolution& se, const SCEV* s, Instruction* at) {
#if LLVM_VERSION_MAJOR >= 15
  (void)se;
  return expander.isSafeToExpandAt(s, at);
#else
  (void)expander;
  return isSafeToExpandAt(s, at, se);
#endif
}

uint64_t magnitude_of(int64_t stride) { return stride < 0 ? uint64_t(0) - uint64_t(stride) : uint64_t(stride); }

bool loop_is_sync_free(const Loop& l) {
  for (const BasicBlock* bb : l.blocks()) {
    if (isa<UnreachableInst>(bb->getTerminator())) return false;
    for (const Instruction& i : *bb) {
      if (is_sync_point(i)) return false;
      if (const auto* ii = dyn_cast<IntrinsicInst>(&i))
        if (!ii->isAssumeLikeIntrinsic() && ii->mayHaveSideEffects()) return false;
    }
  }
  return true;
}

// A unit-step counter: a header phi whose next value is itself or one
// step further, +1 or -1 always the same way, without wrapping (a merge's
// `a[i++]` taken on some iterations only: `i + (a[i] <= a[j])`). SCEV has
// no recurrence for it, but from its start to its value in any iteration
// it took every value between.
int unit_step_direction(PHINode* p, Loop* l, bool need_nuw) {
  if (p->getParent() != l->getHeader() || p->getNumIncomingValues() != 2) return 0;
  BasicBlock* latch = l->getLoopLatch();
  if (!latch || p->getBasicBlockIndex(latch) < 0) return 0;
  Value* next = p->getIncomingValueForBlock(latch);
  // `p + step` with the no-wrap flag the index's extension needs.
  auto step_of = [&](Value* v) -> std::pair<Value*, bool> {
    auto* op = dyn_cast<BinaryOperator>(v);
    if (!op || (need_nuw ? !op->hasNoUnsignedWrap() : !op->hasNoSignedWrap())) return {nullptr, false};
    if (op->getOpcode() == Instruction::Add) {
      if (op->getOperand(0) == p) return {op->getOperand(1), false};
      if (op->getOperand(1) == p) return {op->getOperand(0), false};
    }
    if (op->getOpcode() == Instruction::Sub && op->getOperand(0) == p) return {op->getOperand(1), true};
    return {nullptr, false};
  };
  // The sign of a step that is 0 or +-1 on every iteration, 0 if not that.
  auto sign_of_unit = [](Value* x) -> int {
    if (auto* c = dyn_cast<ConstantInt>(x)) return c->isOne() ? 1 : c->isMinusOne() ? -1 : 0;
    if (isa<ZExtInst>(x) && cast<ZExtInst>(x)->getSrcTy()->isIntegerTy(1)) return 1;
    if (isa<SExtInst>(x) && cast<SExtInst>(x)->getSrcTy()->isIntegerTy(1)) return -1;
    if (auto* sel = dyn_cast<SelectInst>(x)) {
      auto* t = dyn_cast<ConstantInt>(sel->getTrueValue());
      auto* f = dyn_cast<ConstantInt>(sel->getFalseValue());
      if (t && f && (t->isZero() || f->isZero())) {
        ConstantInt* other = t->isZero() ? f : t;
        return other->isOne() ? 1 : other->isMinusOne() ? -1 : 0;
      }
    }
    return 0;
  };
  auto direction_of = [&](Value* v) -> int {
    auto [x, negated] = step_of(v);
    if (!x) return 0;
    const int sign = sign_of_unit(x);
    return negated ? -sign : sign;
  };
  if (auto* sel = dyn_cast<SelectInst>(next)) {  // `c ? p + 1 : p`
    if (sel->getTrueValue() == p) return direction_of(sel->getFalseValue());
    if (sel->getFalseValue() == p) return direction_of(sel->getTrueValue());
    return 0;
  }
  return direction_of(next);
}

bool match_unit_step_index(Value* ptr, Loop* l, const DataLayout& dl, uint64_t bytes, UnitStepIndex& out) {
  auto* gep = dyn_cast<GetElementPtrInst>(ptr->stripPointerCasts());
  if (!gep || !gep->isInBounds() || gep->getNumIndices() != 1 || !l->isLoopInvariant(gep->getPointerOperand()))
    return false;
  Type* elem = gep->getSourceElementType();
  if (!elem->isSized() || dl.getTypeAllocSize(elem).getFixedValue() > bytes) return false;
  Value* idx = gep->getOperand(1);
  Instruction::CastOps ext = Instruction::CastOpsEnd;
  if (auto* c = dyn_cast<CastInst>(idx); c && (isa<ZExtInst>(c) || isa<SExtInst>(c))) {
    ext = c->getOpcode();
    idx = c->getOperand(0);
  }
  auto* p = dyn_cast<PHINode>(idx);
  if (!p) return false;
  const int dir = unit_step_direction(p, l, ext == Instruction::ZExt);
  if (dir == 0) return false;
  out = {gep, p, ext, dir};
  return true;
}
}  // namespace

SmallPtrSet<Instruction*, 16> Instrumenter::loop_ranges(Function& f, FunctionAnalysisManager& fam,
                                                        ArrayRef<Instruction*> checked,
                                                        const SmallPtrSetImpl<Instruction*>& skip) {
  SmallPtrSet<Instruction*, 16> hoisted;
  LoopInfo& li = fam.getResult<LoopAnalysis>(f);
  if (li.empty()) return hoisted;
  ScalarEvolution& se = fam.getResult<ScalarEvolutionAnalysis>(f);
  DominatorTree& dt = fam.getResult<DominatorTreeAnalysis>(f);
  Type* i64 = Type::getInt64Ty(ctx_);
  // An access every iteration makes at start + k * stride (k = 0..btc).
  struct Candidate {
    Instruction* access;
    Loop* loop;
    const SCEV* start;
    int64_t stride;
    uint64_t bytes;
    bool is_write;
    int64_t offset = 0;  // from its group's first start
    int group = -1;
  };
  SmallVector<Candidate, 16> cands;
  DenseMap<Loop*, const SCEV*> trip;  // backedge-taken count (i64), null: not a candidate
  // Sync-free innermost loops whose trip count SCEV cannot compute (more
  // than one exit, or one that depends on the data): exit_ranges.
  SmallPtrSet<Loop*, 4> exit_loops;
  SmallVector<ExitCandidate, 8> exit_cands;
  for (Instruction* i : checked) {
    if (skip.count(i)) continue;
    Loop* l = li.getLoopFor(i->getParent());
    if (!l || !l->isInnermost()) continue;
    auto [it, fresh] = trip.try_emplace(l, nullptr);
    if (fresh) {
      BasicBlock* latch = l->getLoopLatch();
      if (latch && l->getLoopPredecessor() && loop_is_sync_free(*l)) {
        const SCEV* btc = l->getExitingBlock() == latch ? se.getBackedgeTakenCount(l) : se.getCouldNotCompute();
        if (!isa<SCEVCouldNotCompute>(btc) && btc->getType()->getPrimitiveSizeInBits() <= 64)
          it->second = se.getNoopOrZeroExtend(btc, i64);
        else
          exit_loops.insert(l);
      }
    }
    if ((!it->second && !exit_loops.count(l)) || !dt.dominates(i->getParent(), l->getLoopLatch())) continue;
    const bool is_write = isa<StoreInst>(i);
    if (is_write ? cast<StoreInst>(i)->isVolatile() : cast<LoadInst>(i)->isVolatile()) continue;
    Value* ptr = is_write ? cast<StoreInst>(i)->getPointerOperand() : cast<LoadInst>(i)->getPointerOperand();
    Type* ty = is_write ? cast<StoreInst>(i)->getValueOperand()->getType() : i->getType();
    const SCEV* addr = se.getSCEV(ptr);
    const uint64_t bytes = dl_.getTypeStoreSize(ty).getFixedValue();
    if (!it->second) {  // a loop whose trip count is known only on its way out
      if (const auto* ar = dyn_cast<SCEVAddRecExpr>(addr); ar && ar->getLoop() == l && ar->isAffine())
        if (const auto* step = dyn_cast<SCEVConstant>(ar->getStepRecurrence(se)))
          if (step->getAPInt().isSignedIntN(48)) {
            const int64_t stride = step->getAPInt().getSExtValue();
            if (stride != 0 && magnitude_of(stride) <= bytes) exit_cands.push_back({i, l, ar, stride, bytes, is_write});
          }
      if (se.isLoopInvariant(addr, l)) exit_cands.push_back({i, l, addr, 0, bytes, is_write});
      if (UnitStepIndex u; !isa<SCEVAddRecExpr>(addr) && match_unit_step_index(ptr, l, dl_, bytes, u)) {
        const auto size = int64_t(dl_.getTypeAllocSize(u.gep->getSourceElementType()).getFixedValue());
        exit_cands.push_back({i, l, nullptr, size * u.direction, bytes, is_write, u});
      }
      continue;
    }
    if (se.isLoopInvariant(addr, l)) {  // the same bytes every iteration
      cands.push_back({i, l, addr, 0, bytes, is_write});
      continue;
    }
    const auto* ar = dyn_cast<SCEVAddRecExpr>(addr);
    if (!ar || ar->getLoop() != l || !ar->isAffine()) continue;
    const auto* step = dyn_cast<SCEVConstant>(ar->getStepRecurrence(se));
    if (!step || !step->getAPInt().isSignedIntN(48)) continue;
    cands.push_back({i, l, ar->getStart(), step->getAPInt().getSExtValue(), bytes, is_write});
  }
  // Groups: the same loop, stride and kind, starts a constant apart (the
  // copies of an unrolled or vectorized body: b[j], b[j+2], ...).
  int groups = 0;
  for (size_t a = 0; a < cands.size(); a++) {
    if (cands[a].group >= 0) continue;
    cands[a].group = groups;
    for (size_t b = a + 1; b < cands.size(); b++) {
      Candidate& c = cands[b];
      if (c.group >= 0 || c.loop != cands[a].loop || c.stride != cands[a].stride || c.is_write != cands[a].is_write)
        continue;
      const auto* diff = dyn_cast<SCEVConstant>(se.getMinusSCEV(c.start, cands[a].start));
      if (!diff || !diff->getAPInt().isSignedIntN(32)) continue;
      c.group = groups;
      c.offset = diff->getAPInt().getSExtValue();
    }
    groups++;
  }
  // Within a group, each run of accesses whose bytes meet ([lo, hi) in
  // one iteration, from the group's start) is a range if one iteration's
  // run is at least a stride wide: iterations then leave no gap.
  struct Range {
    Loop* loop;
    const SCEV* low;
    const SCEV* size;
    uint64_t each;
    bool is_write;
    Instruction* access;
  };
  SmallVector<Range, 16> ranges;
  DenseMap<Loop*, BasicBlock*> preheaders;
  SCEVExpander expander(se, dl_, "chansan.range");
  for (int gi = 0; gi < groups; gi++) {
    SmallVector<Candidate*, 8> members;
    for (Candidate& c : cands)
      if (c.group == gi) members.push_back(&c);
    llvm::sort(members, [](const Candidate* x, const Candidate* y) { return x->offset < y->offset; });
    for (size_t first = 0; first < members.size();) {
      int64_t lo = members[first]->offset, hi = lo + int64_t(members[first]->bytes);
      size_t last = first + 1;
      while (last < members.size() && members[last]->offset <= hi) {
        hi = std::max(hi, members[last]->offset + int64_t(members[last]->bytes));
        last++;
      }
      const Candidate& head = *members[first];
      const uint64_t magnitude = magnitude_of(head.stride);
      if (uint64_t(hi - lo) >= magnitude) {
        Loop* l = head.loop;
        const SCEV* btc = trip[l];
        const SCEV* start = se.getAddExpr(head.start, se.getConstant(head.start->getType(), lo - head.offset));
        const SCEV* low = head.stride >= 0
                              ? start
                              : se.getAddExpr(start, se.getMulExpr(se.getTruncateOrSignExtend(btc, start->getType()),
                                                                   se.getConstant(start->getType(), head.stride)));
        const SCEV* size = se.getAddExpr(se.getMulExpr(btc, se.getConstant(i64, magnitude)),
                                         se.getConstant(i64, uint64_t(hi - lo)));
        BasicBlock*& ph = preheaders[l];
        if (!ph) ph = l->getLoopPreheader();
        if (!ph) ph = InsertPreheaderForLoop(l, &dt, &li, nullptr, false);
        Instruction* at = ph ? ph->getTerminator() : nullptr;
        const bool safe = at && safe_to_expand_at(expander, se, low, at) && safe_to_expand_at(expander, se, size, at);
        if (safe) {
          uint64_t each = 0;
          for (size_t k = first; k < last; k++) {
            hoisted.insert(members[k]->access);
            each = std::max(each, members[k]->bytes);
            stats_.loop_accesses++;
          }
          ranges.push_back({l, low, size, each, head.is_write, head.access});
        }
      }
      first = last;
    }
  }
  for (const Range& r : ranges) {
    bool needed = true;
    for (const Range& o : ranges) {
      if (&o == &r || o.loop != r.loop || o.low != r.low || o.size != r.size) continue;
      // Covered by a write of the same bytes, or the same check made first.
      if ((o.is_write && !r.is_write) || (o.is_write == r.is_write && &o < &r)) needed = false;
    }
    if (!needed) continue;
    Instruction* at = preheaders[r.loop]->getTerminator();
    Value* low = expander.expandCodeFor(r.low, byte_ptr_ty(ctx_), at);
    Value* size = expander.expandCodeFor(r.size, i64, at);
    IRBuilder<> b(at);
    CallInst* call = b.CreateCall(r.is_write ? loop_write_ : loop_read_, {low, size, b.getInt64(r.each)});
    call->setDebugLoc(r.access->getDebugLoc());
    stats_.loop_ranges++;
  }
  exit_ranges(li, se, dt, exit_cands, hoisted);
  return hoisted;
}

namespace {
// Calls fn(builder) once per edge from an exiting block `e` to a block
// outside `l`, the builder placed in a new block on that edge.
template <class F>
void on_exit_edges(Loop* l, BasicBlock* e, DominatorTree& dt, LoopInfo& li, F&& fn) {
  auto* br = cast<BranchInst>(e->getTerminator());
  for (unsigned k = 0; k < br->getNumSuccessors(); k++) {
    BasicBlock* out = br->getSuccessor(k);
    if (l->contains(out)) continue;
    BasicBlock* edge = SplitEdge(e, out, &dt, &li);
    IRBuilder<> b(edge->getTerminator());
    fn(b);
  }
}
}  // namespace

// Exit ranges: the loop form of the rule for a loop that leaves when its
// data says so (a merge's `while (i < h && j < n) out[k++] = ...`). An
// access every iteration makes at a constant, gap-free stride is checked
// on each way out of the loop, as the range of the iterations that ran:
// from its first address to its address in the leaving iteration, that
// one included when the access's block dominates the exiting block (it ran
// before the exit), excluded when the exiting block strictly dominates the
// access's (the exit came first); any other shape keeps the per-iteration
// check. Nothing in the loop synchronizes, so after the loop is still the
// same epoch. An access to one address waits for the way out only in a
// loop that also moves through memory, and only if it ran before every
// exit: a loop that spins on one address may never leave, and its race
// must be found while it spins (a moving loop ends or faults).
void Instrumenter::exit_ranges(LoopInfo& li, ScalarEvolution& se, DominatorTree& dt,
                               ArrayRef<ExitCandidate> cands, SmallPtrSetImpl<Instruction*>& hoisted) {
  if (cands.empty()) return;
  Type* i64 = Type::getInt64Ty(ctx_);
  Type* ptr_ty = byte_ptr_ty(ctx_);
  struct Plan {
    const ExitCandidate* c;
    SmallVector<std::pair<BasicBlock*, bool>, 2> exits;  // exiting block, access ran in it
  };
  SmallVector<Plan, 8> plans;
  // Loops with a moving access: they cannot wait in place, each iteration
  // takes them to new memory; their invariant accesses may wait for the
  // way out too, if they ran before every exit.
  SmallPtrSet<Loop*, 4> moving;
  for (const ExitCandidate& c : cands)
    if (c.stride != 0 && !c.counted.gep) moving.insert(c.loop);
  for (const ExitCandidate& c : cands) {
    // A unit-step counter may stand still: as a one-address access.
    if ((c.stride == 0 || c.counted.gep) && !moving.count(c.loop)) continue;
    Loop* l = c.loop;
    BasicBlock* b = c.access->getParent();
    SmallVector<BasicBlock*, 4> exiting;
    l->getExitingBlocks(exiting);
    Plan plan{&c, {}};
    bool ok = true;
    for (BasicBlock* e : exiting) {
      if (!isa<BranchInst>(e->getTerminator())) ok = false;
      else if (dt.dominates(b, e)) plan.exits.push_back({e, true});
      // (A counter's last step may have been 0 or 1: its access must have run.)
      else if (dt.properlyDominates(e, b) && c.stride != 0 && !c.counted.gep) plan.exits.push_back({e, false});
      else ok = false;
    }
    if (ok && !plan.exits.empty()) plans.push_back(std::move(plan));
  }
  SCEVExpander expander(se, dl_, "chansan.exit");
  for (const Plan& plan : plans) {
    const ExitCandidate& c = *plan.c;
    Loop* l = c.loop;
    BasicBlock* ph = l->getLoopPreheader();
    if (!ph) ph = InsertPreheaderForLoop(l, &dt, &li, nullptr, false);
    if (!ph) continue;
    if (c.counted.gep) {
      counted_exit_ranges(li, dt, c, plan.exits);
      hoisted.insert(c.access);
      stats_.loop_accesses++;
      continue;
    }
    const SCEV* first = c.stride != 0 ? cast<SCEVAddRecExpr>(c.ar)->getStart() : c.ar;
    if (!safe_to_expand_at(expander, se, first, ph->getTerminator())) continue;
    Value* start = expander.expandCodeFor(first, ptr_ty, ph->getTerminator());
    for (const auto& exit : plan.exits) {
      BasicBlock* e = exit.first;
      const bool ran = exit.second;
      // The address in the leaving iteration, computed where it leaves.
      Value* here = c.stride != 0 ? expander.expandCodeFor(c.ar, ptr_ty, e->getTerminator()) : start;
      on_exit_edges(l, e, dt, li, [&](IRBuilder<>& b) {
        if (c.stride == 0) {  // one address, run at least once
          CallInst* call = b.CreateCall(c.is_write ? loop_write_ : loop_read_,
                                        {start, b.getInt64(c.bytes), b.getInt64(c.bytes)});
          call->setDebugLoc(c.access->getDebugLoc());
          stats_.loop_ranges++;
          return;
        }
        Value* s = b.CreatePtrToInt(start, i64);
        Value* h = b.CreatePtrToInt(here, i64);
        const int64_t stride = c.stride;
        // Iterations 0..n (ran) or 0..n-1 (not): the lowest and the highest
        // address accessed, and none at all if n is 0 and it did not run.
        Value* last = ran ? h : b.CreateSub(h, b.getInt64(uint64_t(stride)));
        Value* low = stride > 0 ? s : last;
        Value* high = stride > 0 ? last : s;
        Value* size = b.CreateAdd(b.CreateSub(high, low), b.getInt64(c.bytes));
        if (!ran) size = b.CreateSelect(b.CreateICmpEQ(h, s), b.getInt64(0), size);
        CallInst* call = b.CreateCall(c.is_write ? loop_write_ : loop_read_,
                                      {b.CreateIntToPtr(low, ptr_ty), size, b.getInt64(c.bytes)});
        call->setDebugLoc(c.access->getDebugLoc());
        stats_.loop_ranges++;
      });
    }
    hoisted.insert(c.access);
    stats_.loop_accesses++;
  }
}

// Exit ranges of an access base[ext(p)], p a unit-step counter: on each
// way out, from base[ext(p's start)] to the element it accessed in the
// leaving iteration (it ran there: exit_ranges keeps only such exits).
// Both ends are values that dominate the exit: the start comes in from
// outside the loop, the access's address is computed before the exit.
void Instrumenter::counted_exit_ranges(LoopInfo& li, DominatorTree& dt, const ExitCandidate& c,
                                       ArrayRef<std::pair<BasicBlock*, bool>> exits) {
  Loop* l = c.loop;
  const UnitStepIndex& u = c.counted;
  Type* i64 = Type::getInt64Ty(ctx_);
  Type* ptr_ty = byte_ptr_ty(ctx_);
  Value* start_index = u.counter->getIncomingValueForBlock(l->getLoopPredecessor());
  Value* here = c.is_write ? cast<StoreInst>(c.access)->getPointerOperand()
                           : cast<LoadInst>(c.access)->getPointerOperand();
  for (const auto& exit : exits) {
    on_exit_edges(l, exit.first, dt, li, [&](IRBuilder<>& b) {
      Value* idx = start_index;
      if (u.ext != Instruction::CastOpsEnd) idx = b.CreateCast(u.ext, idx, u.gep->getOperand(1)->getType());
      Value* first = b.CreateInBoundsGEP(u.gep->getSourceElementType(), u.gep->getPointerOperand(), idx);
      Value* s = b.CreatePtrToInt(first, i64);
      Value* h = b.CreatePtrToInt(here, i64);
      Value* low = u.direction > 0 ? s : h;
      Value* high = u.direction > 0 ? h : s;
      Value* size = b.CreateAdd(b.CreateSub(high, low), b.getInt64(c.bytes));
      CallInst* call = b.CreateCall(c.is_write ? loop_write_ : loop_read_,
                                    {b.CreateIntToPtr(low, ptr_ty), size, b.getInt64(c.bytes)});
      call->setDebugLoc(c.access->getDebugLoc());
      stats_.loop_ranges++;
    });
  }
}

// An override of oneTBB's task::execute(execution_data&): TBB's scheduler
// (in the uninstrumented libtbb) runs it on whichever thread took the task.
// Its start acquires what the task's spawn released, its end releases for
// the wait (detector/src/tbb_sync.cpp). Known by its mangled name: the
// member `execute` taking a tbb::detail::d1::execution_data& (`NS1_` when
// the class is in tbb::detail::d1 itself, spelled out otherwise).
bool is_tbb_task_execute(const Function& f) {
  StringRef n = f.getName();
  return f.arg_size() == 2 && has_prefix(n, "_ZN") &&
         (has_suffix(n, "7executeERNS1_14execution_dataE") ||
          has_suffix(n, "7executeERN3tbb6detail2d114execution_dataE"));
}

bool Instrumenter::run_on(Function& f, FunctionAnalysisManager& fam) {
  if (f.isDeclaration() || f.hasFnAttribute(Attribute::DisableSanitizerInstrumentation) ||
      f.hasFnAttribute(Attribute::Naked))
    return false;
  const bool function_is_csp = is_csp_runtime(f);
  SmallVector<Instruction*, 32> accesses, atomics, mem_calls, mem_compares;
  SmallVector<IntrinsicInst*, 8> masked;
  SmallPtrSet<Instruction*, 8> handle_accesses;
  bool has_calls = false;
  for (Instruction& i : instructions(f)) {
    if (from_csp_runtime(i, function_is_csp)) {
      if (is_plain_access(i) && in_csp_handle(i, f)) {
        accesses.push_back(&i);
        handle_accesses.insert(&i);
        stats_.csp_handle++;
      }
      continue;
    }
    if (auto* li = dyn_cast<LoadInst>(&i)) {
      (li->isAtomic() ? atomics : accesses).push_back(li);
    } else if (auto* si = dyn_cast<StoreInst>(&i)) {
      (si->isAtomic() ? atomics : accesses).push_back(si);
    } else if (isa<AtomicRMWInst>(i) || isa<AtomicCmpXchgInst>(i) || isa<FenceInst>(i)) {
      atomics.push_back(&i);
    } else if (is_mem_call(i)) {
      mem_calls.push_back(&i);
    } else if (is_masked_access(i)) {
      masked.push_back(cast<IntrinsicInst>(&i));
    } else if (is_mem_compare(i)) {
      mem_compares.push_back(&i);
      has_calls = true;
    } else if (isa<CallBase>(i) && !isa<DbgInfoIntrinsic>(i)) {
      has_calls = true;
    }
  }
  bool changed = false;
  SmallVector<Instruction*, 32> checked;
  SmallPtrSet<Instruction*, 32> checked_stores;
  for (Instruction* i : accesses) {
    bool is_write = isa<StoreInst>(i);
    Value* addr = is_write ? cast<StoreInst>(i)->getPointerOperand()
                           : cast<LoadInst>(i)->getPointerOperand();
    if (!can_race(addr, is_write)) continue;
    checked.push_back(i);
    // A handle's store may be skipped at run time (inside a value
    // transfer): it stands for no read before it.
    if (is_write && !handle_accesses.count(i)) checked_stores.insert(i);
  }
  SmallPtrSet<Instruction*, 16> omitted = reads_before_writes(f, checked_stores);
  if (loop_ranges_enabled()) {
    SmallPtrSet<Instruction*, 16> skip(omitted.begin(), omitted.end());
    skip.insert(handle_accesses.begin(), handle_accesses.end());
    SmallPtrSet<Instruction*, 16> hoisted = loop_ranges(f, fam, checked, skip);
    omitted.insert(hoisted.begin(), hoisted.end());
    changed |= !hoisted.empty();
  }
  for (Instruction* i : checked) {
    if (omitted.count(i)) continue;
    bool is_write = isa<StoreInst>(i);
    Value* addr = is_write ? cast<StoreInst>(i)->getPointerOperand()
                           : cast<LoadInst>(i)->getPointerOperand();
    Type* ty = is_write ? cast<StoreInst>(i)->getValueOperand()->getType() : i->getType();
    MaybeAlign align = is_write ? cast<StoreInst>(i)->getAlign() : cast<LoadInst>(i)->getAlign();
    instrument_access(i, addr, ty, align, is_write, handle_accesses.count(i) != 0);
    changed = true;
  }
  for (Instruction* i : atomics) {
    instrument_atomic(i);
    changed = true;
  }
  for (Instruction* i : mem_calls) {
    instrument_mem_call(i);
    changed = true;
  }
  for (IntrinsicInst* i : masked) {
    instrument_masked(i);
    changed = true;
  }
  for (Instruction* i : mem_compares) {
    auto* call = cast<CallInst>(i);
    IRBuilder<> b(i);
    Value* len = b.CreateIntCast(call->getArgOperand(2), b.getInt64Ty(), false);
    for (unsigned k = 0; k < 2; k++)
      b.CreateCall(read_range_, {b.CreatePointerCast(call->getArgOperand(k), byte_ptr_ty(b.getContext())), len});
    stats_.ranges += 2;
    changed = true;
  }
  if (function_is_csp) {
    // Its own frame is not shown (the symbolizer still shows user code
    // inlined into it, from the access's PC).
    stats_.csp_runtime++;
    return changed;
  }
  const bool tbb_task = is_tbb_task_execute(f);
  if (changed || has_calls || !mem_calls.empty() || tbb_task) {
    IRBuilder<> b(&*f.getEntryBlock().getFirstInsertionPt());
    Value* ra = b.CreateCall(Intrinsic::getDeclaration(&m_, Intrinsic::returnaddress),
                             b.getInt32(0));
    b.CreateCall(func_entry_, {ra});
    if (tbb_task) {
      b.CreateCall(task_start_, {b.CreatePointerCast(f.getArg(0), byte_ptr_ty(b.getContext()))});
      stats_.tbb_tasks++;
    }
    EscapeEnumerator ee(f, "chansan_cleanup", /*HandleExceptions=*/true);
    while (IRBuilder<>* at_exit = ee.Next()) {
      if (tbb_task) at_exit->CreateCall(task_finish_, {});
      at_exit->CreateCall(func_exit_, {});
    }
    stats_.functions++;
    changed = true;
  }
  return changed;
}

// An inline function (a template's implicit instantiation: linkonce_odr)
// that this module instrumented gets a name of its own. Otherwise the
// linker keeps one copy per name for the whole program, and the detector
// and the csp runtime, built without the pass, could end up calling the
// instrumented copy of, say, std::string's append: their own memory would
// be checked as the program's (false races). Instrumented modules all pick
// the same new name, so their copies still merge with each other. Reports
// are unaffected: the symbolizer names frames from the debug info's
// linkage names. Explicit instantiations (weak_odr) keep their names:
// other modules refer to them without a definition of their own.
void give_own_name(Module& m, Function& f) {
  const std::string old_name = f.getName().str();
  f.setName(old_name + ".chansan");
  if (Comdat* c = f.getComdat(); c && c->getName() == old_name) {
    Comdat* own = m.getOrInsertComdat(f.getName());
    own->setSelectionKind(c->getSelectionKind());
    f.setComdat(own);
  }
}

// A module with a fence tells the detector so before main: a fence pairs
// with relaxed loads and stores made before it, which the detector tracks
// only once it knows fences are in use (they cost a lock otherwise). The
// first fence to run would say so too late for the loads before it.
void announce_fences(Module& m) {
  LLVMContext& ctx = m.getContext();
  FunctionCallee present =
      m.getOrInsertFunction("__chansan_fences_present", FunctionType::get(Type::getVoidTy(ctx), false));
  Function* ctor = Function::Create(FunctionType::get(Type::getVoidTy(ctx), false),
                                    GlobalValue::InternalLinkage, "chansan.announce_fences", m);
  IRBuilder<> b(BasicBlock::Create(ctx, "", ctor));
  b.CreateCall(present);
  b.CreateRetVoid();
  appendToGlobalCtors(m, ctor, 0);
}

struct ChansanPass : PassInfoMixin<ChansanPass> {
  PreservedAnalyses run(Module& m, ModuleAnalysisManager& mam) {
    Instrumenter inst(m);
    FunctionAnalysisManager& fam = mam.getResult<FunctionAnalysisManagerModuleProxy>(m).getManager();
    bool changed = false;
    for (Function& f : m) {
      if (!inst.run_on(f, fam)) continue;
      fam.invalidate(f, PreservedAnalyses::none());
      changed = true;
      if (f.hasLinkOnceODRLinkage()) give_own_name(m, f);
    }
    if (inst.stats().fences > 0) announce_fences(m);
    if (stats_requested()) inst.stats().print(m.getName());
    return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }  // run at -O0 too
};

}  // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "chansan", "0.1", [](PassBuilder& pb) {
            pb.registerOptimizerLastEPCallback(
                [](ModulePassManager& mpm, OptimizationLevel) { mpm.addPass(ChansanPass()); });
            pb.registerPipelineParsingCallback(
                [](StringRef name, ModulePassManager& mpm, ArrayRef<PassBuilder::PipelineElement>) {
                  if (name != "chansan") return false;
                  mpm.addPass(ChansanPass());
                  return true;
                });
          }};
}
