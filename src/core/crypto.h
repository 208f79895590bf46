// Passwords, tokens and encryption of personal data at rest, on libsodium; SHA-256 on
// OpenSSL.
// Thread-safety: all functions are thread-safe once init_crypto() has returned.
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace longnan::core {

// REQUIRES: called once before any other function here (idempotent).
void init_crypto();

// argon2id hash in libsodium's self-describing string form.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

// `bytes` random bytes as lowercase hex.
std::string random_hex(size_t bytes);
// SHA-256 of the parts one after the other. OpenSSL's, which uses the CPU's SHA extensions
// where it has them: measured four times faster than libsodium's portable code on the
// 65-byte inputs of the trace log's Merkle tree, hashed by the million.
using Sha256Digest = std::array<unsigned char, 32>;
Sha256Digest sha256(std::initializer_list<std::string_view> parts);
std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of `message` under `key`, as lowercase hex (signed payment notifications).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// Compares without leaking through timing where the first difference is.
bool equal_constant_time(std::string_view a, std::string_view b);

// Symmetric encryption of short personal fields (ID-card numbers, bank accounts, phones).
// Output is base64 of nonce || XSalsa20-Poly1305 ciphertext; each call uses a fresh nonce.
// lookup_hash() is a keyed BLAKE2b digest used to find or deduplicate a value without
// decrypting every row.
class FieldCipher {
 public:
  // REQUIRES: key holds 32 bytes.
  explicit FieldCipher(std::string key);
  // Reads the 64-hex-character key in `path`, creating it (mode 0600) when absent.
  static FieldCipher from_key_file(const std::string& path);

  std::string encrypt(std::string_view plaintext) const;
  // nullopt when the ciphertext was not made with this key or was altered.
  std::optional<std::string> decrypt(std::string_view ciphertext) const;
  std::string lookup_hash(std::string_view plaintext) const;

 private:
  std::string key_;
};

// Masks for responses to roles that may not see the full value.
std::string mask_phone(std::string_view phone);          // 138****1234
std::string mask_id_card(std::string_view id_card);      // 621221********123X
std::string mask_bank_account(std::string_view account); // ************1234

}  // namespace longnan::core
