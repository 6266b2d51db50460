#include "vault/core/testing/test_keystore.h"

#include <cstdlib>

#include "vault/base/status.h"

namespace breakglass::core::testing {

TestKeystore::TestKeystore() {
  auto key = crypto::GenerateAes256Key(random_);
  auto aead = key.ok() ? crypto::Aes256Gcm::Create(*std::move(key)) : key.status();
  if (!aead.ok()) std::abort();  // test setup cannot continue without a key
  aead_ = std::make_unique<crypto::Aes256Gcm>(*std::move(aead));
}

absl::Status TestKeystore::FaultStatus() const {
  switch (fault_) {
    case Fault::kUnreachable:
      return absl::UnavailableError("test keystore: device unreachable");
    case Fault::kLoggedOut:
      return absl::FailedPreconditionError("test keystore: token is logged out (CKR_USER_NOT_LOGGED_IN)");
    case Fault::kNone:
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TestKeystore::Seal(const base::SecretBytes& plaintext,
                                               std::string_view aad) {
  {
    absl::MutexLock lock(&mu_);
    BG_RETURN_IF_ERROR(FaultStatus());
  }
  return aead_->Seal(plaintext, aad, random_);
}

absl::StatusOr<base::SecretBytes> TestKeystore::Unseal(std::string_view envelope,
                                                       std::string_view aad) {
  absl::MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(FaultStatus());
  ++unseals_;
  BG_ASSIGN_OR_RETURN(base::SecretBytes out, aead_->Open(envelope, aad));
  if (corrupt_size_ != 0 && out.size() == corrupt_size_) {
    corrupt_size_ = 0;
    out.data(base::InsecureSecretAccess::Get())[0] ^= 0x01;
  }
  return out;
}

void TestKeystore::SetFault(Fault fault) {
  absl::MutexLock lock(&mu_);
  fault_ = fault;
}

void TestKeystore::CorruptNextUnsealOfSize(size_t share_size) {
  absl::MutexLock lock(&mu_);
  corrupt_size_ = share_size;
}

int TestKeystore::unseals() const {
  absl::MutexLock lock(&mu_);
  return unseals_;
}

}  // namespace breakglass::core::testing
