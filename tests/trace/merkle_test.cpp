// Tests of the Merkle log against the Certificate Transparency known answers and against a
// direct transcription of RFC 9162 §2.1's definitions, and of signed checkpoints.
#include "trace/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cctype>
#include <random>
#include <stdexcept>

namespace longnan::trace {
namespace {

Hash hash_of_hex(std::string_view text) { return from_hex(text).value(); }

// Bytes from hex of any even length (the CT leaf inputs are 0 to 16 bytes).
std::string bytes_of_hex(std::string_view text) {
  std::string bytes;
  for (size_t pos = 0; pos < text.size(); pos += 2)
    bytes.push_back(char(std::stoi(std::string(text.substr(pos, 2)), nullptr, 16)));
  return bytes;
}

// Known answers from google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc
// (commit 0e901cacd1388fa16f78b184612f6cd16e5ceec1): kInputs, kSHA256Roots, kSHA256Paths.
// CT numbers leaves from 1 there; the indices below are 0-based.
constexpr std::string_view kCtInputs[8] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
};
constexpr std::string_view kCtRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
constexpr std::string_view kEmptyRoot = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct CtPath {
  uint64_t index;
  uint64_t size;
  std::vector<std::string_view> path;
};
const std::vector<CtPath> kCtPaths = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

MerkleTree ct_tree() {
  MerkleTree tree;
  for (std::string_view input : kCtInputs) tree.append(leaf_hash(bytes_of_hex(input)));
  return tree;
}

// RFC 9162 §2.1.1 MTH and §2.1.3.1 PATH written as the RFC states them, recomputing
// everything: the oracle for the tree that stores its levels.
Hash reference_root(const std::vector<Hash>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  const size_t split = std::bit_floor(end - begin - 1);
  return node_hash(reference_root(leaves, begin, begin + split), reference_root(leaves, begin + split, end));
}

std::vector<Hash> reference_path(const std::vector<Hash>& leaves, size_t index, size_t begin, size_t end) {
  if (end - begin == 1) return {};
  const size_t split = std::bit_floor(end - begin - 1);
  std::vector<Hash> path;
  if (index < split) {
    path = reference_path(leaves, index, begin, begin + split);
    path.push_back(reference_root(leaves, begin + split, end));
  } else {
    path = reference_path(leaves, index - split, begin + split, end);
    path.push_back(reference_root(leaves, begin, begin + split));
  }
  return path;
}

std::vector<Hash> random_leaves(std::mt19937_64& random, size_t count) {
  std::vector<Hash> leaves;
  for (size_t leaf = 0; leaf < count; ++leaf) leaves.push_back(leaf_hash(std::to_string(random())));
  return leaves;
}

Hash flipped(Hash hash, size_t byte = 0) {
  hash[byte % hash.size()] ^= 0x01;
  return hash;
}

TEST(MerkleHash, MatchesCtTreeHasherVectors) {
  // google/certificate-transparency, cpp/merkletree/tree_hasher_test.cc: sha256_leaves, sha256_nodes.
  EXPECT_EQ(hex(leaf_hash("")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(hex(leaf_hash(bytes_of_hex("00"))), "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  EXPECT_EQ(hex(leaf_hash(bytes_of_hex("101112131415161718191a1b1c1d1e1f"))),
            "3bfb960453ebaebf33727da7a1f4db38acc051d381b6da20d6d4e88f0eabfd7a");
  EXPECT_EQ(hex(node_hash(hash_of_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                          hash_of_hex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"))),
            "1a378704c17da31e2d05b6d121c2bb2c7d76f6ee6fa8f983e596c2d034963c57");
}

TEST(MerkleTree, RootsOfEveryPrefixMatchCtVectors) {
  MerkleTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(hex(tree.root()), kEmptyRoot);
  for (size_t leaf = 0; leaf < 8; ++leaf) {
    tree.append(leaf_hash(bytes_of_hex(kCtInputs[leaf])));
    EXPECT_EQ(tree.size(), leaf + 1);
    EXPECT_EQ(hex(tree.root()), kCtRoots[leaf]) << "size " << leaf + 1;
    // Earlier prefixes keep their roots as the tree grows.
    EXPECT_EQ(hex(tree.root(0)), kEmptyRoot);
    for (size_t size = 1; size <= leaf + 1; ++size) EXPECT_EQ(hex(tree.root(size)), kCtRoots[size - 1]);
  }
}

TEST(MerkleTree, ReserveChangesOnlyTheAllocation) {
  MerkleTree tree;
  tree.reserve(5);
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(hex(tree.root()), kEmptyRoot);
  for (size_t leaf = 0; leaf < 8; ++leaf) {
    if (leaf == 3) tree.reserve(1000);  // more levels than the tree has yet
    tree.append(leaf_hash(bytes_of_hex(kCtInputs[leaf])));
  }
  const MerkleTree plain = ct_tree();
  for (uint64_t size = 1; size <= 8; ++size) {
    EXPECT_EQ(hex(tree.root(size)), kCtRoots[size - 1]);
    for (uint64_t index = 0; index < size; ++index)
      EXPECT_EQ(tree.inclusion_proof(index, size), plain.inclusion_proof(index, size));
  }
}

TEST(MerkleTree, InclusionProofsMatchCtVectorsAndVerify) {
  MerkleTree tree = ct_tree();
  for (const CtPath& expected : kCtPaths) {
    std::vector<Hash> proof = tree.inclusion_proof(expected.index, expected.size);
    ASSERT_EQ(proof.size(), expected.path.size()) << "leaf " << expected.index << " of " << expected.size;
    for (size_t step = 0; step < proof.size(); ++step) EXPECT_EQ(hex(proof[step]), expected.path[step]);
    Hash leaf = leaf_hash(bytes_of_hex(kCtInputs[expected.index]));
    EXPECT_TRUE(verify_inclusion(leaf, expected.index, expected.size, proof, hash_of_hex(kCtRoots[expected.size - 1])));
  }
}

TEST(MerkleTree, RefusesSizesAndIndicesBeyondTheLog) {
  MerkleTree tree = ct_tree();
  EXPECT_THROW(tree.root(9), std::out_of_range);
  EXPECT_THROW(tree.inclusion_proof(8, 8), std::out_of_range);
  EXPECT_THROW(tree.inclusion_proof(3, 3), std::out_of_range);
  EXPECT_THROW(tree.inclusion_proof(0, 9), std::out_of_range);
  EXPECT_THROW(tree.inclusion_proof(0, 0), std::out_of_range);
  EXPECT_THROW(MerkleTree().inclusion_proof(0, 0), std::out_of_range);
}

TEST(MerkleTree, MatchesTheRfcDefinitionsForEveryPrefixAndLeaf) {
  std::mt19937_64 random(9162);
  const std::vector<Hash> leaves = random_leaves(random, 300);
  MerkleTree tree;
  for (const Hash& leaf : leaves) tree.append(leaf);
  for (size_t size = 1; size <= leaves.size(); ++size)
    ASSERT_EQ(tree.root(size), reference_root(leaves, 0, size)) << "size " << size;

  // Every size up to 70, the edges of 256, and random sizes up to 300.
  std::vector<size_t> sizes = {255, 256, 257, 300};
  for (size_t size = 1; size <= 70; ++size) sizes.push_back(size);
  for (int draw = 0; draw < 8; ++draw) sizes.push_back(71 + random() % 230);
  for (size_t size : sizes)
    for (size_t index = 0; index < size; ++index)
      ASSERT_EQ(tree.inclusion_proof(index, size), reference_path(leaves, index, 0, size))
          << "leaf " << index << " of " << size;
}

// Whether every alteration of a good proof (index, leaf, root, any element, its length) fails.
void expect_only_the_true_proof_verifies(const Hash& leaf, uint64_t index, uint64_t size,
                                         const std::vector<Hash>& proof, const Hash& root) {
  SCOPED_TRACE("leaf " + std::to_string(index) + " of " + std::to_string(size));
  EXPECT_TRUE(verify_inclusion(leaf, index, size, proof, root));
  for (uint64_t wrong_index : {index - 1, index + 1, index ^ 1, index ^ 2, size}) {
    if (wrong_index == index || wrong_index > size) continue;  // index - 1 wraps for leaf 0
    EXPECT_FALSE(verify_inclusion(leaf, wrong_index, size, proof, root));
  }
  EXPECT_FALSE(verify_inclusion(flipped(leaf, index), index, size, proof, root));
  EXPECT_FALSE(verify_inclusion(leaf, index, size, proof, flipped(root, index)));
  for (size_t step = 0; step < proof.size(); ++step) {
    std::vector<Hash> altered = proof;
    altered[step] = flipped(altered[step], step);
    EXPECT_FALSE(verify_inclusion(leaf, index, size, altered, root));
  }
  if (!proof.empty()) {
    std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
    EXPECT_FALSE(verify_inclusion(leaf, index, size, truncated, root));
    std::vector<Hash> headless(proof.begin() + 1, proof.end());
    EXPECT_FALSE(verify_inclusion(leaf, index, size, headless, root));
  }
  for (const Hash& extra : {root, leaf, Hash{}}) {
    std::vector<Hash> extended = proof;
    extended.push_back(extra);
    EXPECT_FALSE(verify_inclusion(leaf, index, size, extended, root));
    extended.pop_back();
    extended.insert(extended.begin(), extra);
    EXPECT_FALSE(verify_inclusion(leaf, index, size, extended, root));
  }
}

TEST(VerifyInclusion, AcceptsEveryLeafsProofAndNoAlteration) {
  std::mt19937_64 random(6962);
  const std::vector<Hash> leaves = random_leaves(random, 300);
  MerkleTree tree;
  for (const Hash& leaf : leaves) tree.append(leaf);
  std::vector<uint64_t> sizes = {1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 300};
  for (int draw = 0; draw < 12; ++draw) sizes.push_back(1 + random() % 300);
  for (uint64_t size : sizes) {
    const Hash root = tree.root(size);
    for (uint64_t index = 0; index < size; ++index)
      expect_only_the_true_proof_verifies(leaves[index], index, size, tree.inclusion_proof(index, size), root);
  }
}

TEST(VerifyInclusion, RejectsAnEmptyTreeAndAnIndexBeyondTheSize) {
  const Hash leaf = leaf_hash("event");
  EXPECT_TRUE(verify_inclusion(leaf, 0, 1, {}, leaf));
  EXPECT_FALSE(verify_inclusion(leaf, 0, 0, {}, leaf));
  EXPECT_FALSE(verify_inclusion(leaf, 1, 1, {}, leaf));
  EXPECT_FALSE(verify_inclusion(leaf, UINT64_MAX, UINT64_MAX, {}, leaf));
}

TEST(Hex, RoundTripsAndParsesStrictly) {
  const Hash hash = hash_of_hex(kCtRoots[7]);
  EXPECT_EQ(hex(hash), kCtRoots[7]);
  EXPECT_EQ(from_hex("5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF4604328"), hash);
  const std::string good(kCtRoots[7]);
  EXPECT_FALSE(from_hex(""));
  EXPECT_FALSE(from_hex(good.substr(1)));             // 63 digits
  EXPECT_FALSE(from_hex(good + "0"));                 // 65 digits
  EXPECT_FALSE(from_hex(good.substr(0, 62) + "0g"));  // not a hex digit
  EXPECT_FALSE(from_hex(good.substr(0, 62) + " 0"));  // space inside
  EXPECT_FALSE(from_hex("0x" + good.substr(2)));      // prefix
  EXPECT_FALSE(from_hex(good.substr(0, 62) + std::string(2, '\0')));
}

// A checkpoint of the CT reference tree, and its independently computed encodings: the root
// in base64 by Python's base64.b64encode, the signature by Python's `cryptography`
// (OpenSSL) Ed25519 with the RFC 8032 §7.1 TEST 1 seed.
constexpr std::string_view kRfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view kRfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr std::string_view kCheckpointSignature =
    "8ca02a38fe7268988c970d808960fb6bdb56648e7573db78b6fd96a00c6e7ccb"
    "020314c9e1aa51f70eb195497731811c1780ae7b9ef02510cf2ffbaa1b0dcc0b";

Checkpoint ct_checkpoint() { return {"longnan.example.cn/trace", 8, hash_of_hex(kCtRoots[7]), 1767225600000}; }

TEST(Checkpoint, BodyIsTheDocumentedFourLines) {
  EXPECT_EQ(ct_checkpoint().body(),
            "longnan.example.cn/trace\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n1767225600000\n");
  const Checkpoint empty_log{"o", 0, hash_of_hex(kEmptyRoot), 0};
  EXPECT_EQ(empty_log.body(), "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n0\n");
}

TEST(Checkpoint, SignatureMatchesAnIndependentEd25519) {
  std::optional<SigningKey> key = SigningKey::from_seed_hex(kRfc8032Seed);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->public_hex(), kRfc8032Public);
  EXPECT_EQ(sign_checkpoint(ct_checkpoint(), *key), kCheckpointSignature);
  EXPECT_TRUE(verify_checkpoint(ct_checkpoint(), kCheckpointSignature, kRfc8032Public));
}

TEST(Checkpoint, AnyChangedFieldSignatureOrKeyFails) {
  const SigningKey key = SigningKey::generate();
  const Checkpoint checkpoint = ct_checkpoint();
  const std::string signature = sign_checkpoint(checkpoint, key);
  EXPECT_EQ(signature.size(), 128u);
  ASSERT_TRUE(verify_checkpoint(checkpoint, signature, key.public_hex()));

  Checkpoint changed = checkpoint;
  changed.origin = "longnan.example.cn/trace2";
  EXPECT_FALSE(verify_checkpoint(changed, signature, key.public_hex()));
  changed = checkpoint;
  changed.size = 9;
  EXPECT_FALSE(verify_checkpoint(changed, signature, key.public_hex()));
  changed = checkpoint;
  changed.root = flipped(changed.root, 31);
  EXPECT_FALSE(verify_checkpoint(changed, signature, key.public_hex()));
  changed = checkpoint;
  changed.time_ms += 1;
  EXPECT_FALSE(verify_checkpoint(changed, signature, key.public_hex()));

  for (size_t pos : {size_t{0}, size_t{63}, size_t{64}, size_t{127}}) {
    std::string altered = signature;
    altered[pos] = altered[pos] == '0' ? '1' : '0';
    EXPECT_FALSE(verify_checkpoint(checkpoint, altered, key.public_hex())) << "signature digit " << pos;
    altered = key.public_hex();
    altered[pos / 2] = altered[pos / 2] == '0' ? '1' : '0';
    EXPECT_FALSE(verify_checkpoint(checkpoint, signature, altered)) << "key digit " << pos / 2;
  }
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature, SigningKey::generate().public_hex()));
}

TEST(Checkpoint, CoSignatureVerifiesWithTheAuditorsKeyOnly) {
  const SigningKey server = SigningKey::generate();
  const SigningKey auditor = SigningKey::generate();
  ASSERT_NE(server.public_hex(), auditor.public_hex());
  const Checkpoint checkpoint = ct_checkpoint();
  const std::string server_signature = sign_checkpoint(checkpoint, server);
  const std::string auditor_signature = sign_checkpoint(checkpoint, auditor);
  EXPECT_TRUE(verify_checkpoint(checkpoint, auditor_signature, auditor.public_hex()));
  EXPECT_FALSE(verify_checkpoint(checkpoint, auditor_signature, server.public_hex()));
  EXPECT_TRUE(verify_checkpoint(checkpoint, server_signature, server.public_hex()));
  EXPECT_FALSE(verify_checkpoint(checkpoint, server_signature, auditor.public_hex()));
}

TEST(Checkpoint, MalformedHexAndMultiLineOriginsAreRefused) {
  const Checkpoint checkpoint = ct_checkpoint();
  const std::string signature(kCheckpointSignature);
  const std::string public_hex(kRfc8032Public);
  std::string upper = signature;
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify_checkpoint(checkpoint, upper, public_hex));
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature.substr(2), public_hex));
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature + "00", public_hex));
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature.substr(0, 126) + "zz", public_hex));
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature, public_hex.substr(2)));
  EXPECT_FALSE(verify_checkpoint(checkpoint, signature, ""));

  const SigningKey key = SigningKey::generate();
  Checkpoint multi_line = checkpoint;
  multi_line.origin = "longnan.example.cn/trace\n9";
  EXPECT_THROW(sign_checkpoint(multi_line, key), std::invalid_argument);
  EXPECT_FALSE(verify_checkpoint(multi_line, sign_checkpoint(checkpoint, key), key.public_hex()));
  multi_line.origin = "";
  EXPECT_THROW(sign_checkpoint(multi_line, key), std::invalid_argument);
}

TEST(SigningKey, SeedsAreParsedStrictlyAndFreshKeysDiffer) {
  EXPECT_FALSE(SigningKey::from_seed_hex(""));
  EXPECT_FALSE(SigningKey::from_seed_hex(kRfc8032Seed.substr(2)));
  EXPECT_FALSE(SigningKey::from_seed_hex(std::string(kRfc8032Seed) + "00"));
  EXPECT_FALSE(SigningKey::from_seed_hex(std::string(kRfc8032Seed.substr(0, 62)) + "xy"));
  EXPECT_EQ(SigningKey::from_seed_hex("9D61B19DEFFD5A60BA844AF492EC2CC44449C5697B326919703BAC031CAE7F60")->public_hex(),
            kRfc8032Public);
  EXPECT_NE(SigningKey::generate().public_hex(), SigningKey::generate().public_hex());
}

}  // namespace
}  // namespace longnan::trace
