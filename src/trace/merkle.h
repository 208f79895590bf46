// The tamper-evident log of traceability events: an append-only Merkle tree over the
// events' canonical hashes in the order they were recorded (RFC 6962 / RFC 9162 §2.1: leaf
// hash SHA-256(0x00 ‖ leaf), node hash SHA-256(0x01 ‖ left ‖ right), the largest power of
// two below n splits), inclusion proofs from any leaf to a tree head, and checkpoints — the
// tree size and root at a time — signed with Ed25519 by the server and optionally co-signed
// by a second key (a county auditor). Pure: no database.
// Thread-safety: plain functions over values, safe from any thread (each initialises
// libsodium itself on first use); MerkleTree is not shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longnan::trace {

using Hash = std::array<unsigned char, 32>;

// DO NOT CHANGE the two hash encodings: published roots, proofs and signed checkpoints
// depend on them, and auditors recompute them with any RFC 6962 implementation.
Hash leaf_hash(std::string_view leaf);                // SHA-256(0x00 ‖ leaf)
Hash node_hash(const Hash& left, const Hash& right);  // SHA-256(0x01 ‖ left ‖ right)
// Lowercase hex, and its strict inverse: exactly 64 hex digits of either case, else nullopt.
std::string hex(const Hash& hash);
std::optional<Hash> from_hex(std::string_view text);

// An append-only tree that keeps the hash of every complete, aligned subtree, so that the
// root of any prefix and any inclusion proof cost O(log n) hashes and appending is O(1)
// amortised (one node hash per append on average). Memory: 64 bytes per leaf after
// reserve(), up to about twice that when the levels grow by appending alone.
// Invariants: levels_[h][i] is the hash of the 2^h leaves [i·2^h, (i+1)·2^h), so
// levels_[0] holds the leaf hashes and levels_[h].size() == size() >> h; levels_.size() is
// the bit width of size(), or more after reserve() (the higher levels then empty).
class MerkleTree {
 public:
  void append(const Hash& leaf_hash);
  // Allocates the levels for `leaves` leaves at once (e.g. before loading a whole log).
  void reserve(uint64_t leaves);
  uint64_t size() const;
  // The root of the first `size` leaves (the empty tree: SHA-256 of nothing).
  // Throws std::out_of_range when size > size().
  Hash root(uint64_t size) const;
  Hash root() const { return root(size()); }
  // The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3),
  // the sibling of the leaf first. Throws std::out_of_range unless index < size <= size().
  std::vector<Hash> inclusion_proof(uint64_t index, uint64_t size) const;

 private:
  // The hash of the `count` leaves from `begin`.
  // REQUIRES: begin is a multiple of the smallest power of two >= count; begin + count <= size().
  Hash subtree_hash(uint64_t begin, uint64_t count) const;

  std::vector<std::vector<Hash>> levels_;
};

// Whether `proof` shows that `leaf` (a leaf hash) is leaf `index` of the tree of `size`
// leaves with root `root` (RFC 9162 §2.1.3.2). False for index >= size.
bool verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size, const std::vector<Hash>& proof,
                      const Hash& root);

// A checkpoint: the log's origin (e.g. "longnan.example.cn/trace"), size, root and time,
// as a text body that is what gets signed:
//   "<origin>\n<size>\n<base64 root>\n<time in ms>\n"
// (size and time in decimal, the root in standard base64 with padding).
// DO NOT CHANGE the body: published checkpoints are signatures over it.
struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  int64_t time_ms = 0;
  std::string body() const;
};

// An Ed25519 key pair (libsodium), its public key as 64 hex characters for publishing.
struct SigningKey {
  std::array<unsigned char, 64> secret{};
  std::array<unsigned char, 32> public_key{};
  static SigningKey generate();
  // The key pair of a 32-byte seed given as 64 hex characters; nullopt when it is not that.
  static std::optional<SigningKey> from_seed_hex(std::string_view seed_hex);
  std::string public_hex() const;
};

// A detached Ed25519 signature of the checkpoint's body, as 128 lowercase hex characters,
// and its check: false for a bad signature, for hex that is not 128 (signature) or 64
// (public key) hex digits of either case, and for an origin that could not have been signed.
// sign_checkpoint throws std::invalid_argument when the origin is empty or holds a newline:
// the body must be exactly four lines.
std::string sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key);
bool verify_checkpoint(const Checkpoint& checkpoint, std::string_view signature_hex, std::string_view public_hex);

}  // namespace longnan::trace
