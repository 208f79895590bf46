// The Merkle log (RFC 9162 §2.1) over stored complete subtrees, and Ed25519 checkpoints.
#include "trace/merkle.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "core/crypto.h"

namespace longnan::trace {

namespace {

// libsodium must be initialised before use; sodium_init() is idempotent and thread-safe,
// and the function-local static makes every later call a single check.
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* bytes, size_t size) {
  ensure_sodium();
  std::string text(size * 2 + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), bytes, size);
  text.pop_back();  // the terminating NUL
  return text;
}

// Decodes exactly `size` bytes from exactly 2·size hex digits of either case: with no
// `ignore` and no `hex_end`, sodium_hex2bin fails on any character it cannot decode.
bool parse_hex(std::string_view text, unsigned char* out, size_t size) {
  if (text.size() != size * 2) return false;
  ensure_sodium();
  size_t decoded = 0;
  return sodium_hex2bin(out, size, text.data(), text.size(), nullptr, &decoded, nullptr) == 0 && decoded == size;
}

bool is_one_line(std::string_view origin) { return !origin.empty() && origin.find('\n') == std::string_view::npos; }

}  // namespace

Hash leaf_hash(std::string_view leaf) { return core::sha256({std::string_view("\0", 1), leaf}); }

Hash node_hash(const Hash& left, const Hash& right) {
  // One contiguous buffer: a single update is cheaper than three, and this runs once per
  // leaf when a whole log is rebuilt.
  char input[1 + 2 * sizeof(Hash)];
  input[0] = 0x01;
  std::memcpy(input + 1, left.data(), left.size());
  std::memcpy(input + 1 + left.size(), right.data(), right.size());
  return core::sha256({std::string_view(input, sizeof input)});
}

std::string hex(const Hash& hash) { return to_hex(hash.data(), hash.size()); }

std::optional<Hash> from_hex(std::string_view text) {
  Hash hash;
  if (!parse_hex(text, hash.data(), hash.size())) return std::nullopt;
  return hash;
}

void MerkleTree::append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Each level whose count became even has just completed a subtree one level up.
  for (size_t height = 0; levels_[height].size() % 2 == 0; ++height) {
    if (height + 1 == levels_.size()) levels_.emplace_back();
    const std::vector<Hash>& level = levels_[height];
    levels_[height + 1].push_back(node_hash(level[level.size() - 2], level.back()));
  }
}

void MerkleTree::reserve(uint64_t leaves) {
  if (leaves == 0) return;
  levels_.resize(std::max<size_t>(levels_.size(), std::bit_width(leaves)));
  for (size_t height = 0; height < levels_.size(); ++height) levels_[height].reserve(leaves >> height);
}

uint64_t MerkleTree::size() const { return levels_.empty() ? 0 : levels_[0].size(); }

Hash MerkleTree::subtree_hash(uint64_t begin, uint64_t count) const {
  if (std::has_single_bit(count)) {
    const int height = std::countr_zero(count);
    return levels_[height][begin >> height];
  }
  const uint64_t split = std::bit_floor(count);  // a complete left subtree, stored
  return node_hash(subtree_hash(begin, split), subtree_hash(begin + split, count - split));
}

Hash MerkleTree::root(uint64_t size) const {
  if (size > this->size()) throw std::out_of_range("Merkle root of a size beyond the log");
  if (size == 0) {
    ensure_sodium();
    Hash empty;
    crypto_hash_sha256(empty.data(), nullptr, 0);
    return empty;
  }
  return subtree_hash(0, size);
}

std::vector<Hash> MerkleTree::inclusion_proof(uint64_t index, uint64_t size) const {
  if (index >= size || size > this->size()) throw std::out_of_range("inclusion proof of a leaf beyond the log");
  // Walk from the root down to the leaf, taking the sibling of the side that holds it
  // (RFC 9162 §2.1.3.1 PATH), then reverse to the RFC's leaf-first order.
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t count = size;
  while (count > 1) {
    const uint64_t split = std::bit_floor(count - 1);  // the largest power of two below count
    if (index < begin + split) {
      proof.push_back(subtree_hash(begin + split, count - split));
      count = split;
    } else {
      proof.push_back(subtree_hash(begin, split));
      begin += split;
      count -= split;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size, const std::vector<Hash>& proof,
                      const Hash& root) {
  // RFC 9162 §2.1.3.2, step by step: fn is the node's index at the current level, sn the
  // index of the last node at that level.
  if (index >= size) return false;
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;  // the proof is longer than the path
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      // A right-edge node with no sibling at this level moves up unchanged.
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::string Checkpoint::body() const {
  ensure_sodium();
  char root_base64[sodium_base64_ENCODED_LEN(sizeof(Hash), sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(root_base64, sizeof root_base64, root.data(), root.size(), sodium_base64_VARIANT_ORIGINAL);
  return origin + "\n" + std::to_string(size) + "\n" + root_base64 + "\n" + std::to_string(time_ms) + "\n";
}

SigningKey SigningKey::generate() {
  ensure_sodium();
  SigningKey key;
  crypto_sign_keypair(key.public_key.data(), key.secret.data());
  return key;
}

std::optional<SigningKey> SigningKey::from_seed_hex(std::string_view seed_hex) {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed;
  if (!parse_hex(seed_hex, seed.data(), seed.size())) return std::nullopt;
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

std::string SigningKey::public_hex() const { return to_hex(public_key.data(), public_key.size()); }

std::string sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key) {
  if (!is_one_line(checkpoint.origin)) throw std::invalid_argument("checkpoint origin must be one non-empty line");
  const std::string body = checkpoint.body();
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                       key.secret.data());
  return to_hex(signature, sizeof signature);
}

bool verify_checkpoint(const Checkpoint& checkpoint, std::string_view signature_hex, std::string_view public_hex) {
  unsigned char signature[crypto_sign_BYTES];
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  if (!is_one_line(checkpoint.origin) || !parse_hex(signature_hex, signature, sizeof signature) ||
      !parse_hex(public_hex, public_key, sizeof public_key))
    return false;
  const std::string body = checkpoint.body();
  return crypto_sign_verify_detached(signature, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                                     public_key) == 0;
}

}  // namespace longnan::trace
