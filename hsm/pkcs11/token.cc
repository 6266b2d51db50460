#include "hsm/pkcs11/token.h"

#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/internal/uri.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11 {

Token::Token(std::unique_ptr<internal::TokenCore> core) : core_(std::move(core)) {}

Token::~Token() = default;

absl::StatusOr<std::shared_ptr<Token>> Token::Open(const TokenOptions& options,
                                                   base::SecretBytes user_pin) {
  BG_ASSIGN_OR_RETURN(internal::PkcsUri uri, internal::PkcsUri::Parse(options.uri));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<internal::TokenCore> core,
                      internal::TokenCore::Open(options.module_path, uri, std::move(user_pin),
                                                options.max_idle_sessions));
  return std::shared_ptr<Token>(new Token(std::move(core)));
}

std::string Token::Describe() const { return core_->Describe(); }

std::string Token::label() const {
  return internal::Unpad(core_->info().label, sizeof(core_->info().label));
}

}  // namespace breakglass::hsm::pkcs11
