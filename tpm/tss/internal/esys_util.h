// Small RAII helpers around ESAPI: memory returned by Esys_* calls, transient
// objects and sessions that must be flushed from the TPM, and big-endian
// helpers shared by the adapter.
//
// Thread-safety: use under the Lease that created the object.
#ifndef BREAKGLASS_TPM_TSS_INTERNAL_ESYS_UTIL_H_
#define BREAKGLASS_TPM_TSS_INTERNAL_ESYS_UTIL_H_

#include <tss2/tss2_esys.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss::internal {

struct EsysFree {
  void operator()(void* p) const { Esys_Free(p); }
};
// Owns memory that ESAPI allocated for an output parameter.
template <typename T>
using EsysPtr = std::unique_ptr<T, EsysFree>;

// A transient object or session handle, flushed (Esys_FlushContext) when this
// goes out of scope — also on error paths. Borrowing `lease`, which must
// outlive it; skips the flush when the lease lost its connection.
class ScopedTransient final {
 public:
  explicit ScopedTransient(TssContext::Lease& lease) : lease_(lease) {}
  ScopedTransient(const ScopedTransient&) = delete;
  ScopedTransient& operator=(const ScopedTransient&) = delete;
  ~ScopedTransient() {
    if (tr_ != ESYS_TR_NONE && lease_.esys() != nullptr) Esys_FlushContext(lease_.esys(), tr_);
  }
  ESYS_TR* out() { return &tr_; }
  ESYS_TR get() const { return tr_; }

 private:
  TssContext::Lease& lease_;
  ESYS_TR tr_ = ESYS_TR_NONE;
};

inline std::string Bytes(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

inline uint64_t BigEndian64(const uint8_t* b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | b[i];
  return v;
}

// "0x81010002"-style text for handles in messages.
std::string HandleHex(uint32_t handle);

}  // namespace breakglass::tpm::tss::internal

#endif  // BREAKGLASS_TPM_TSS_INTERNAL_ESYS_UTIL_H_
