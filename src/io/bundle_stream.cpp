// SPDX-License-Identifier: Apache-2.0
// Reading a bundle file into the model while it is parsed (nlohmann's SAX interface).
#include "io/bundle_stream.hpp"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "civicplan/bundle.hpp"
#include "io/plan_text.hpp"

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

// The file read into a window that slides over it: values are taken whole from the window,
// which grows when one does not fit.
class Window {
 public:
  explicit Window(std::FILE* f) : file_(f), data_(std::size_t{1} << 20) {}
  const char* at() const { return data_.data() + begin_; }
  const char* end() const { return data_.data() + end_; }
  bool empty() const { return begin_ == end_; }
  bool eof() const { return eof_; }
  bool failed() const { return std::ferror(file_) != 0; }
  void take(std::size_t n) { begin_ = std::min(begin_ + n, end_); }
  // Reads more of the file; false at its end.
  bool more() {
    if (eof_) return false;
    if (begin_ > 0) {
      std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == data_.size()) data_.resize(data_.size() * 2);
    const std::size_t n = std::fread(data_.data() + end_, 1, data_.size() - end_, file_);
    end_ += n;
    if (n == 0) eof_ = true;
    return n > 0;
  }
  // Skips whitespace; the next character, or kEnd at the end of the file.
  static constexpr int kEnd = -1;
  int next() {
    for (;;) {
      while (begin_ < end_) {
        const char c = data_[begin_];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return static_cast<unsigned char>(c);
        ++begin_;
      }
      if (!more()) return kEnd;
    }
  }
  // The next JSON value, whole in the window: [at(), at() + length). False when the file ends
  // first or the text cannot be a value; what is wrong is reported by the parser read again.
  bool value(std::size_t& length) {
    if (next() == Window::kEnd) return false;
    for (;;) {
      const std::size_t n = extent(at(), end());
      if (n == kNotAValue) return false;
      if (n > 0) {
        length = n;
        return true;
      }
      if (!more()) return false;
    }
  }

 private:
  static constexpr std::size_t kNotAValue = static_cast<std::size_t>(-1);
  // The length of the value starting at `p`, 0 when it does not end before `e`, or kNotAValue.
  // It only counts brackets and skips strings: the parser that reads the value checks it.
  static std::size_t extent(const char* p, const char* e) {
    const char* s = p;
    if (*p == '"') return skip_string(p + 1, e, s);
    if (*p != '{' && *p != '[') {
      while (p < e && *p != ',' && *p != ']' && *p != '}' && *p != ':' && *p != ' ' && *p != '\n' &&
             *p != '\r' && *p != '\t') {
        ++p;
      }
      if (p == s) return kNotAValue;
      return p < e ? static_cast<std::size_t>(p - s) : 0;
    }
    int depth = 0;
    while (p < e) {
      const char c = *p++;
      if (c == '"') {
        const std::size_t n = skip_string(p, e, s);
        if (n == 0) return 0;
        p = s + n;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return static_cast<std::size_t>(p - s);
      }
    }
    return 0;
  }
  // From inside a string at `p`: the length from `s` to just after its closing quote, or 0.
  static std::size_t skip_string(const char* p, const char* e, const char* s) {
    while (p < e) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
      if (!q) return 0;
      // The quote closes the string unless an odd number of backslashes precede it.
      const char* b = q;
      while (b > p && b[-1] == '\\') --b;
      if ((q - b) % 2 == 0) return static_cast<std::size_t>(q + 1 - s);
      p = q + 1;
    }
    return 0;
  }

  std::FILE* file_;
  std::vector<char> data_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
};

// Builds one value from the events of a text already cut out of the file, as the Handler does:
// a repeated key, or nesting deeper than kMaxJsonDepth counted from `depth`, stops it.
class ValueHandler {
 public:
  ValueHandler(json* root, int depth) : depth_(depth) { value_.start(root); }

  bool null() { return put(json()); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) { return put(json(v)); }
  bool string(std::string& v) { return put(json(std::move(v))); }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return ++depth_ <= kMaxJsonDepth && (value_.begin(json::object()), true); }
  bool start_array(std::size_t) { return ++depth_ <= kMaxJsonDepth && (value_.begin(json::array()), true); }
  bool end_object() { return end(); }
  bool end_array() { return end(); }
  bool key(std::string& k) { return value_.key(k); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  bool put(json&& v) {
    value_.place(std::move(v));
    return true;
  }
  bool end() {
    --depth_;
    value_.end();
    return true;
  }
  ValueBuilder value_;
  int depth_;
};

bool parse_value(const char* begin, const char* end, json& out, int depth) {
  ValueHandler handler(&out, depth);
  return json::sax_parse(begin, end, &handler);
}

// Reads a bundle object from the window, each element of its arrays as soon as it is whole:
// a plan straight from its text when it is well-formed (read_plan_text), any other element
// through a JSON value. False at anything else than a valid JSON object with distinct keys:
// the caller then reads the file again with nlohmann's parser, which says what and where.
// Reads one element with `read` (read_plan_text or a sibling) and gives it to the builder.
template <class T>
bool read_one(const char* begin, const char* end, bool (*read)(const char*, const char*, T&),
              BundleBuilder& builder, void (BundleBuilder::*take)(std::size_t, T&&), std::size_t index) {
  T value;
  if (!read(begin, end, value)) return false;
  (builder.*take)(index, std::move(value));
  return true;
}

// Reads an element of the arrays read_plan_text and its siblings know; false when that is not
// how this element can be read.
bool fast_element(int array, std::size_t index, const char* begin, const char* end, BundleBuilder& builder) {
  static const int plans = BundleBuilder::array_index("plans");
  static const int statistics = BundleBuilder::array_index("statistics");
  static const int cases = BundleBuilder::array_index("cases");
  static const int ledger = BundleBuilder::array_index("ledger");
  if (array == plans) return read_one(begin, end, read_plan_text, builder, &BundleBuilder::plan, index);
  if (array == statistics) {
    return read_one(begin, end, read_statistic_text, builder, &BundleBuilder::statistic, index);
  }
  if (array == cases) return read_one(begin, end, read_case_text, builder, &BundleBuilder::case_record, index);
  if (array == ledger) return read_one(begin, end, read_ledger_text, builder, &BundleBuilder::ledger, index);
  return false;
}

bool read_fast(Window& w, BundleBuilder& builder, json& header) {
  if (w.next() != '{') return false;
  w.take(1);
  std::set<std::string> keys;
  if (w.next() == '}') {
    w.take(1);
  } else {
    for (;;) {
      std::size_t n = 0;
      if (w.next() != '"' || !w.value(n)) return false;
      json key;
      if (!parse_value(w.at(), w.at() + n, key, 1) || !key.is_string()) return false;
      std::string name = key.get<std::string>();
      w.take(n);
      if (!keys.insert(name).second) return false;
      if (w.next() != ':') return false;
      w.take(1);
      const int a = BundleBuilder::array_index(name);
      if (a >= 0 && w.next() == '[') {
        w.take(1);
        std::size_t index = 0;
        if (w.next() == ']') {
          w.take(1);
        } else {
          for (;;) {
            if (!w.value(n)) return false;
            if (!fast_element(a, index, w.at(), w.at() + n, builder)) {
              json element;
              if (!parse_value(w.at(), w.at() + n, element, 2)) return false;
              builder.element(a, index, element);
            }
            ++index;
            w.take(n);
            const int c = w.next();
            w.take(1);
            if (c == ']') break;
            if (c != ',') return false;
          }
        }
      } else {
        if (!w.value(n) || !parse_value(w.at(), w.at() + n, header[name], 1)) return false;
        w.take(n);
      }
      const int c = w.next();
      w.take(1);
      if (c == '}') break;
      if (c != ',') return false;
    }
  }
  return w.next() == Window::kEnd;
}

// Reads the file through nlohmann's SAX parser: every value as it builds it.
Model read_events(const std::string& path, Reader& r, Origins& origins) {
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

}  // namespace

Model read_bundle_file(const std::string& path, Reader& r, Origins& origins) {
  {
    std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw NotFoundError("file", path);
    Window window(file.get());
    // Issues and origins are kept apart until the fast reading is known to have gone through.
    std::vector<Issue> issues;
    Reader reader(issues);
    Origins fast_origins;
    BundleBuilder builder(reader, fast_origins);
    json header = json::object();
    const bool ok = read_fast(window, builder, header);
    if (window.failed()) throw StorageError("cannot read " + path);
    if (ok) {
      Model m = builder.finish(header);
      for (auto& issue : issues) r.error(issue.path, issue.message);
      origins = std::move(fast_origins);
      return m;
    }
  }
  return read_events(path, r, origins);
}

}  // namespace civicplan::detail
