// SPDX-License-Identifier: Apache-2.0
// Reading a bundle file into the model while it is parsed (nlohmann's SAX interface).
#include "io/bundle_stream.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "civicplan/bundle.hpp"

namespace civicplan::detail {

namespace {

// The file, read in blocks.
class Blocks {
 public:
  explicit Blocks(std::FILE* f) : file_(f), buffer_(std::size_t{1} << 20) {}
  bool at_end() { return pos_ == len_ && !refill(); }
  char current() const { return buffer_[pos_]; }
  void advance() { ++pos_; }
  bool failed() const { return std::ferror(file_) != 0; }

 private:
  bool refill() {
    len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    pos_ = 0;
    return len_ > 0;
  }
  std::FILE* file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, len_ = 0;
};

// An input iterator over Blocks; the default-constructed one is the end.
class BlockIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  BlockIterator() = default;
  explicit BlockIterator(Blocks* b) : blocks_(b) {}
  char operator*() const { return blocks_->current(); }
  BlockIterator& operator++() {
    blocks_->advance();
    return *this;
  }
  BlockIterator operator++(int) {
    BlockIterator old = *this;
    blocks_->advance();
    return old;
  }
  bool at_end() const { return blocks_ == nullptr || blocks_->at_end(); }
  // Only ever compared with the end.
  bool operator==(const BlockIterator& o) const { return at_end() && o.at_end(); }
  bool operator!=(const BlockIterator& o) const { return !(*this == o); }

 private:
  Blocks* blocks_ = nullptr;
};

// Builds one JSON value from SAX events, as nlohmann's DOM parser does, and notices duplicate
// keys (which check_structure rejects).
class ValueBuilder {
 public:
  void start(json* root) {
    root_ = root;
    stack_.clear();
    slot_ = nullptr;
  }
  bool open() const { return !stack_.empty(); }
  // Places `v`; returns where it went.
  json* place(json&& v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      auto& items = top.get_ref<json::array_t&>();
      items.push_back(std::move(v));
      return &items.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }
  void begin(json&& container) { stack_.push_back(place(std::move(container))); }
  void end() { stack_.pop_back(); }
  bool key(std::string& k) {
    auto& members = stack_.back()->get_ref<json::object_t&>();
    auto [it, inserted] = members.emplace(std::move(k), nullptr);
    slot_ = &it->second;
    return inserted;
  }

 private:
  json* root_ = nullptr;
  std::vector<json*> stack_;
  json* slot_ = nullptr;
};

// Routes the events of a bundle: each element of a top-level array is built on its own and
// handed to the BundleBuilder; every other top-level member is kept in `header`. A document
// that is not an object is built whole (`whole`) and read by parse_bundle.
class Handler {
 public:
  explicit Handler(BundleBuilder& b) : builder_(b) {}

  bool null() { return value(json()); }
  bool boolean(bool v) { return value(json(v)); }
  bool number_integer(json::number_integer_t v) { return value(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) { return value(json(v)); }
  bool string(std::string& v) { return value(json(std::move(v))); }
  bool binary(json::binary_t&) { return false; }  // not produced by the JSON parser

  bool start_object(std::size_t) {
    if (!deeper()) return false;
    if (depth_ == 1) {
      bundle_ = true;
      return true;
    }
    return begin(json::object());
  }
  bool start_array(std::size_t) {
    if (!deeper()) return false;
    if (depth_ == 2 && bundle_ && !value_.open()) {
      const int a = BundleBuilder::array_index(key_);
      if (a >= 0) {
        array_ = a;
        index_ = 0;
        return true;
      }
    }
    return begin(json::array());
  }
  bool end_object() { return end(); }
  bool end_array() { return end(); }
  bool key(std::string& k) {
    if (value_.open()) return value_.key(k);  // false: a repeated key
    if (!keys_.insert(k).second) return false;
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  bool bundle() const { return bundle_; }
  json& header() { return header_; }
  json& whole() { return whole_; }

 private:
  bool deeper() { return ++depth_ <= kMaxJsonDepth; }

  // Where a value that starts now goes, when no value is being built.
  void target() {
    if (array_ >= 0) {
      value_.start(&element_);
    } else if (bundle_) {
      value_.start(&header_[key_]);
    } else {
      value_.start(&whole_);
    }
  }
  bool begin(json&& container) {
    if (!value_.open()) target();
    value_.begin(std::move(container));
    return true;
  }
  bool value(json&& v) {
    if (!value_.open()) target();
    value_.place(std::move(v));
    if (!value_.open()) done();
    return true;
  }
  bool end() {
    --depth_;
    if (value_.open()) {
      value_.end();
      if (!value_.open()) done();
    } else if (array_ >= 0) {
      array_ = -1;  // the end of a streamed array
    }
    return true;
  }
  // A value is complete.
  void done() {
    if (array_ >= 0) {
      builder_.element(array_, index_++, element_);
      element_ = json();
    }
  }

  BundleBuilder& builder_;
  ValueBuilder value_;
  int depth_ = 0;
  bool bundle_ = false;
  std::set<std::string> keys_;  // of the bundle object
  std::string key_;
  int array_ = -1;  // the top-level array whose elements are being read
  std::size_t index_ = 0;
  json element_;
  json header_ = json::object();
  json whole_;
};

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

Model read_bundle_file(const std::string& path, Reader& r, Origins& origins) {
  std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw NotFoundError("file", path);
  Blocks blocks(file.get());
  BundleBuilder builder(r, origins);
  Handler handler(builder);
  const bool ok = json::sax_parse(BlockIterator(&blocks), BlockIterator(), &handler);
  if (blocks.failed()) throw StorageError("cannot read " + path);
  if (!ok) {
    // Not valid JSON, too deep, or a repeated key: read the text again to report exactly what
    // and where, as read_json_file does.
    file.reset();
    read_json_file(path);
    throw ParseError("invalid JSON", path, 0, 0);  // not reached: read_json_file has thrown
  }
  if (!handler.bundle()) return parse_bundle(handler.whole(), r, origins);
  return builder.finish(handler.header());
}

}  // namespace civicplan::detail
