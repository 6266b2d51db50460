// SecretBytes: the one type that holds secret material (credential plaintext,
// Shamir shares, PINs, derived keys).
//
// - Memory comes from OpenSSL's secure heap (CRYPTO_secure_malloc: one 1 MiB
//   arena between guard pages, locked with mlock(2) and excluded from core
//   dumps), set up on first use; secrets above 256 KiB, or when the heap is
//   full, get their own anonymous mapping, locked where RLIMIT_MEMLOCK allows
//   it and marked MADV_DONTDUMP.
// - It is wiped with OPENSSL_cleanse before its memory is given back.
// - Equality is constant-time.
// - It cannot be printed or streamed, is not implicitly convertible, and is not
//   copyable (Clone() is explicit). Reading the raw bytes needs an
//   InsecureSecretAccess token, so every such place is greppable.
//
// Thread-safety: a SecretBytes is a value; distinct objects may be used from
// distinct threads, one object needs external synchronisation.
#ifndef BREAKGLASS_VAULT_BASE_SECRET_BYTES_H_
#define BREAKGLASS_VAULT_BASE_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string_view>

namespace breakglass::base {

// A token whose only purpose is to make raw secret access explicit at the call
// site: `secret.data(InsecureSecretAccess::Get())`.
class InsecureSecretAccess final {
 public:
  static InsecureSecretAccess Get() { return InsecureSecretAccess(); }

 private:
  InsecureSecretAccess() = default;
};

class SecretBytes final {
 public:
  // An empty secret (no mapping).
  SecretBytes() = default;
  // `size` zero bytes, ready to be filled through data().
  explicit SecretBytes(size_t size);
  // Copies `bytes` into locked memory. The caller wipes its own copy.
  static SecretBytes CopyFrom(std::span<const uint8_t> bytes);
  static SecretBytes CopyFrom(std::string_view bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // An independent copy in its own locked memory.
  SecretBytes Clone() const;

  // Keeps only the first `new_size` bytes (no-op unless smaller). The dropped
  // tail is wiped at once; the memory stays mapped (and locked) until
  // destruction. For writers that must offer more room than the result
  // needs, such as a PKCS#11 C_Decrypt into the secret's own memory.
  void Truncate(size_t new_size);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // True when the pages are mlock'd (false when RLIMIT_MEMLOCK refused).
  bool locked() const { return locked_; }

  uint8_t* data(InsecureSecretAccess) { return data_; }
  const uint8_t* data(InsecureSecretAccess) const { return data_; }
  std::span<const uint8_t> span(InsecureSecretAccess) const { return {data_, size_}; }
  std::string_view view(InsecureSecretAccess) const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // Constant-time in the contents (sizes are not secret).
  bool ConstantTimeEquals(const SecretBytes& other) const;
  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return a.ConstantTimeEquals(b);
  }

  // Not printable, not streamable.
  friend std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;

 private:
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // bytes owned: the heap allocation or the whole mapping
  bool locked_ = false;
  bool from_heap_ = false;
};

namespace internal {
// Test-only hook, called with the secret's memory after it has been wiped and
// before it is unmapped. Pass nullptr to remove. Not thread-safe.
using SecretReleaseHook = void (*)(const uint8_t* data, size_t size);
void SetSecretReleaseHookForTesting(SecretReleaseHook hook);
}  // namespace internal

}  // namespace breakglass::base

#endif  // BREAKGLASS_VAULT_BASE_SECRET_BYTES_H_
