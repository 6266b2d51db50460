#include "vault/base/secret_bytes.h"

#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <new>
#include <utility>

namespace breakglass::base {
namespace {

internal::SecretReleaseHook g_release_hook = nullptr;

// OpenSSL's secure heap: one mlock'd, MADV_DONTDUMP arena between guard
// pages, shared by every small secret so that making one costs no system
// call (a page-per-secret mapping costs four). 1 MiB; allocations of at
// least 16 bytes. Set up on first use; a full heap falls back to a mapping.
constexpr size_t kSecureHeapBytes = size_t{1} << 20;
constexpr size_t kSecureHeapMinAllocation = 16;

// True when the heap is usable; `*locked` tells whether mlock succeeded.
bool SecureHeapReady(bool* locked) {
  static std::once_flag once;
  static int init_result = 0;
  std::call_once(once, [] {
    init_result = CRYPTO_secure_malloc_initialized()
                      ? 1
                      : CRYPTO_secure_malloc_init(kSecureHeapBytes, kSecureHeapMinAllocation);
  });
  *locked = init_result == 1;
  return init_result != 0;
}

size_t RoundUpToPages(size_t size) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

}  // namespace

namespace internal {
void SetSecretReleaseHookForTesting(SecretReleaseHook hook) { g_release_hook = hook; }
}  // namespace internal

SecretBytes::SecretBytes(size_t size) : size_(size) {
  if (size == 0) return;
  bool heap_locked = false;
  if (size <= kSecureHeapBytes / 4 && SecureHeapReady(&heap_locked)) {
    void* p = CRYPTO_secure_zalloc(size, OPENSSL_FILE, OPENSSL_LINE);
    if (p != nullptr) {
      data_ = static_cast<uint8_t*>(p);
      mapped_ = size;
      locked_ = heap_locked;
      from_heap_ = true;
      return;
    }
  }
  mapped_ = RoundUpToPages(size);
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<uint8_t*>(p);
  locked_ = mlock(data_, mapped_) == 0;
  madvise(data_, mapped_, MADV_DONTDUMP);
}

SecretBytes SecretBytes::CopyFrom(std::span<const uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes SecretBytes::CopyFrom(std::string_view bytes) {
  return CopyFrom(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                           bytes.size()));
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)),
      locked_(std::exchange(other.locked_, false)),
      from_heap_(std::exchange(other.from_heap_, false)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
    locked_ = std::exchange(other.locked_, false);
    from_heap_ = std::exchange(other.from_heap_, false);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Release(); }

void SecretBytes::Truncate(size_t new_size) {
  if (new_size >= size_) return;
  OPENSSL_cleanse(data_ + new_size, size_ - new_size);
  size_ = new_size;
}

SecretBytes SecretBytes::Clone() const { return CopyFrom(span(InsecureSecretAccess::Get())); }

bool SecretBytes::ConstantTimeEquals(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return CRYPTO_memcmp(data_, other.data_, size_) == 0;
}

void SecretBytes::Release() {
  if (data_ == nullptr) return;
  OPENSSL_cleanse(data_, mapped_);
  if (g_release_hook != nullptr) g_release_hook(data_, mapped_);
  if (from_heap_) {
    CRYPTO_secure_clear_free(data_, mapped_, OPENSSL_FILE, OPENSSL_LINE);
  } else {
    if (locked_) munlock(data_, mapped_);
    munmap(data_, mapped_);
  }
  data_ = nullptr;
  size_ = mapped_ = 0;
  locked_ = from_heap_ = false;
}

}  // namespace breakglass::base
