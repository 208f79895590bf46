#include "core/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace longnan::core {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  std::string stored(hash);
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

Sha256Digest sha256(std::initializer_list<std::string_view> parts) {
  // The algorithm is fetched once, and each thread keeps one context: both cost more than
  // hashing a short input when made per call.
  static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(context); }
  };
  thread_local Context local;
  if (!algorithm || !local.context || !EVP_DigestInit_ex2(local.context, algorithm, nullptr))
    throw std::runtime_error("OpenSSL has no SHA-256");
  for (std::string_view part : parts) EVP_DigestUpdate(local.context, part.data(), part.size());
  Sha256Digest digest;
  unsigned int size = 0;
  EVP_DigestFinal_ex(local.context, digest.data(), &size);
  return digest;
}

std::string sha256_hex(std::string_view data) {
  const Sha256Digest digest = sha256({data});
  char hex[digest.size() * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest.data(), digest.size());
  return hex;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, digest);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

FieldCipher::FieldCipher(std::string key) : key_(std::move(key)) {
  if (key_.size() != crypto_secretbox_KEYBYTES) throw std::invalid_argument("field key must be 32 bytes");
}

FieldCipher FieldCipher::from_key_file(const std::string& path) {
  std::string hex;
  if (std::ifstream in(path); in) {
    std::getline(in, hex);
  } else {
    hex = random_hex(crypto_secretbox_KEYBYTES);
    mode_t previous = umask(077);
    std::ofstream out(path);
    umask(previous);
    out << hex << '\n';
    if (!out) throw std::runtime_error("cannot write key file " + path);
  }
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(), hex.size(), nullptr,
                     &length, nullptr) != 0 ||
      length != key.size())
    throw std::runtime_error("key file " + path + " does not hold 64 hex characters");
  return FieldCipher(std::move(key));
}

std::string FieldCipher::encrypt(std::string_view plaintext) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  std::string encoded(sodium_base64_encoded_len(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), nonce, box.size(), sodium_base64_VARIANT_ORIGINAL);
  encoded.pop_back();  // the terminating NUL
  return encoded;
}

std::optional<std::string> FieldCipher::decrypt(std::string_view ciphertext) const {
  std::string box(ciphertext.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), ciphertext.data(),
                        ciphertext.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  if (length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return std::nullopt;
  return plain;
}

std::string FieldCipher::lookup_hash(std::string_view plaintext) const {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                     reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

namespace {
std::string mask_middle(std::string_view value, size_t keep_front, size_t keep_back) {
  if (value.size() <= keep_front + keep_back) return std::string(value.size(), '*');
  std::string masked(value.substr(0, keep_front));
  masked.append(value.size() - keep_front - keep_back, '*');
  masked.append(value.substr(value.size() - keep_back));
  return masked;
}
}  // namespace

std::string mask_phone(std::string_view phone) { return mask_middle(phone, 3, 4); }
std::string mask_id_card(std::string_view id_card) { return mask_middle(id_card, 6, 4); }
std::string mask_bank_account(std::string_view account) { return mask_middle(account, 0, 4); }

}  // namespace longnan::core
