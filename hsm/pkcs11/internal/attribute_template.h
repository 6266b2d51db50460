// Internal to hsm/pkcs11: builds a CK_ATTRIBUTE array for C_GenerateKey,
// C_GenerateKeyPair and C_FindObjectsInit without hand-managed storage.
//
// Bytes() borrows the caller's buffer, which must outlive the template's use;
// Bool() and Ulong() values are stored inside.
//
// Thread-safety: a value; one thread at a time.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_ATTRIBUTE_TEMPLATE_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_ATTRIBUTE_TEMPLATE_H_

#include <deque>
#include <string_view>
#include <vector>

#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

class AttributeTemplate final {
 public:
  AttributeTemplate() = default;
  AttributeTemplate(const AttributeTemplate&) = delete;
  AttributeTemplate& operator=(const AttributeTemplate&) = delete;

  AttributeTemplate& Bool(CK_ATTRIBUTE_TYPE type, bool value) {
    bools_.push_back(value ? CK_TRUE : CK_FALSE);
    attrs_.push_back({type, &bools_.back(), sizeof(CK_BBOOL)});
    return *this;
  }
  AttributeTemplate& Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
    ulongs_.push_back(value);
    attrs_.push_back({type, &ulongs_.back(), sizeof(CK_ULONG)});
    return *this;
  }
  AttributeTemplate& Bytes(CK_ATTRIBUTE_TYPE type, std::string_view value) {
    attrs_.push_back({type, const_cast<char*>(value.data()), value.size()});
    return *this;
  }

  CK_ATTRIBUTE* data() { return attrs_.data(); }
  CK_ULONG size() const { return attrs_.size(); }

 private:
  std::deque<CK_BBOOL> bools_;  // deque: push_back keeps earlier addresses valid
  std::deque<CK_ULONG> ulongs_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_ATTRIBUTE_TEMPLATE_H_
