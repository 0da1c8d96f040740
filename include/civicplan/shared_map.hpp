// SPDX-License-Identifier: Apache-2.0
// Sorted containers whose copies share what they have not changed: the containers of a Model.
#pragma once

#include <atomic>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace civicplan {

namespace detail {

// A sorted set of shared, individually allocated values, itself shared between copies. A copy
// costs one reference count; the first change of a copy copies the set of pointers (not the
// values), and the first change of a value through it copies that value alone. So a snapshot
// of a workspace and the next one, which differs in a few objects, share everything else.
//
// Values are changed only through a tree that is not shared and a node that is not shared:
// unique() checks both. Readers of a shared tree never see a change.
template <class Value, class Key, class KeyOf>
class SharedTree {
 public:
  using Node = std::shared_ptr<Value>;

  struct Less {
    using is_transparent = void;
    bool operator()(const Node& a, const Node& b) const { return KeyOf{}(*a) < KeyOf{}(*b); }
    bool operator()(const Node& a, const Key& k) const { return KeyOf{}(*a) < k; }
    bool operator()(const Key& k, const Node& b) const { return k < KeyOf{}(*b); }
  };
  using Tree = std::set<Node, Less>;

  SharedTree() = default;

  const Tree& tree() const { return tree_ ? *tree_ : empty_tree(); }

  // The tree, made this container's own first: shared, it is copied (its pointers only).
  Tree& own() {
    if (!tree_) {
      tree_ = std::make_shared<Tree>();
    } else if (tree_.use_count() != 1) {
      tree_ = std::make_shared<Tree>(*tree_);
    } else {
      // Whoever shared the tree before has let go; what it did with it happens before this.
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *tree_;
  }

  // The value of `node`, which is in this container's own tree, made its own first.
  static Value& own(const Node& node) {
    auto& n = const_cast<Node&>(node);  // the key is not changed, so neither is the order
    if (n.use_count() != 1) {
      n = std::make_shared<Value>(*n);
    } else {
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *n;
  }

  // Equal values in the same order; shared ones are not compared.
  bool equal(const SharedTree& o) const {
    if (same_as(o)) return true;
    const Tree& a = tree();
    const Tree& b = o.tree();
    if (a.size() != b.size()) return false;
    auto i = a.begin();
    for (const auto& node : b) {
      if (*i != node && !(**i == *node)) return false;
      ++i;
    }
    return true;
  }

  bool same_as(const SharedTree& o) const { return tree_ == o.tree_ || (tree().empty() && o.tree().empty()); }

 private:
  static const Tree& empty_tree() {
    static const Tree empty;
    return empty;
  }

  std::shared_ptr<Tree> tree_;
};

// A constant iterator over the values of a SharedTree, given the iterator of its tree.
template <class Value, class Base>
class SharedIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using reference = const Value&;
  using pointer = const Value*;

  SharedIterator() = default;
  explicit SharedIterator(Base it) : it_(it) {}

  reference operator*() const { return **it_; }
  pointer operator->() const { return it_->get(); }
  SharedIterator& operator++() {
    ++it_;
    return *this;
  }
  SharedIterator operator++(int) {
    auto copy = *this;
    ++it_;
    return copy;
  }
  SharedIterator& operator--() {
    --it_;
    return *this;
  }
  SharedIterator operator--(int) {
    auto copy = *this;
    --it_;
    return copy;
  }
  friend bool operator==(const SharedIterator& a, const SharedIterator& b) { return a.it_ == b.it_; }
  friend bool operator!=(const SharedIterator& a, const SharedIterator& b) { return a.it_ != b.it_; }
  const Base& base() const { return it_; }

 private:
  Base it_{};
};

}  // namespace detail

/// A sorted map from K to V with the reading interface of std::map (find, count, at,
/// lower_bound, sorted iteration over `std::pair<const K, V>`) and operator[], emplace,
/// insert_or_assign, edit and erase to change it. A copy shares every element with its
/// original; changing an element of a copy copies that element (and, once, the copy's index of
/// pointers), never the rest. So the snapshot of a workspace after a commit costs what the
/// commit changed. Reading never copies: iterators are constant, also on a non-const map.
///
/// Reading a SharedMap from several threads is safe as long as none changes it, like a std::map.
template <class K, class V>
class SharedMap {
 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<const K, V>;
  using size_type = std::size_t;

 private:
  struct KeyOf {
    const K& operator()(const value_type& v) const { return v.first; }
  };
  using Tree = detail::SharedTree<value_type, K, KeyOf>;
  using Base = typename Tree::Tree::const_iterator;

 public:
  // Reading never copies anything, so iterators are constant: an element is changed through
  // operator[], edit(), insert_or_assign() or emplace(), which copy it first when it is shared.
  using const_iterator = detail::SharedIterator<value_type, Base>;
  using iterator = const_iterator;

  SharedMap() = default;
  SharedMap(std::initializer_list<value_type> values) {
    for (const auto& v : values) insert_or_assign(v.first, v.second);
  }

  size_type size() const { return tree_.tree().size(); }
  bool empty() const { return tree_.tree().empty(); }

  const_iterator begin() const { return const_iterator(tree_.tree().begin()); }
  const_iterator end() const { return const_iterator(tree_.tree().end()); }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }

  const_iterator find(const K& key) const { return const_iterator(tree_.tree().find(key)); }
  size_type count(const K& key) const { return tree_.tree().count(key); }
  const_iterator lower_bound(const K& key) const { return const_iterator(tree_.tree().lower_bound(key)); }
  const_iterator upper_bound(const K& key) const { return const_iterator(tree_.tree().upper_bound(key)); }

  const V& at(const K& key) const {
    auto it = tree_.tree().find(key);
    if (it == tree_.tree().end()) throw std::out_of_range("SharedMap::at: no such key");
    return (*it)->second;
  }
  /// The value at `key`, to change: copied first when another map shares it. Throws
  /// std::out_of_range when there is none.
  V& edit(const K& key) {
    auto& tree = tree_.own();
    auto it = tree.find(key);
    if (it == tree.end()) throw std::out_of_range("SharedMap::edit: no such key");
    return Tree::own(*it).second;
  }

  V& operator[](const K& key) {
    auto& tree = tree_.own();
    auto it = tree.find(key);
    if (it == tree.end()) it = tree.insert(std::make_shared<value_type>(key, V{})).first;
    return Tree::own(*it).second;
  }

  template <class... Args>
  std::pair<iterator, bool> emplace(const K& key, Args&&... args) {
    auto& tree = tree_.own();
    auto it = tree.find(key);
    if (it != tree.end()) return {const_iterator(it), false};
    // The key is copied before the value is made: `args` may be what `key` refers into.
    auto node = std::make_shared<value_type>(std::piecewise_construct, std::forward_as_tuple(key),
                                             std::forward_as_tuple(std::forward<Args>(args)...));
    return {const_iterator(tree.insert(std::move(node)).first), true};
  }
  std::pair<iterator, bool> insert(const value_type& v) { return emplace(v.first, v.second); }
  std::pair<iterator, bool> insert(value_type&& v) { return emplace(v.first, std::move(v.second)); }

  template <class M>
  std::pair<iterator, bool> insert_or_assign(const K& key, M&& value) {
    auto& tree = tree_.own();
    auto it = tree.find(key);
    if (it == tree.end()) {
      return {const_iterator(tree.insert(std::make_shared<value_type>(key, std::forward<M>(value))).first), true};
    }
    // Replaced, not changed in place: a new element, so maps sharing the old one keep it.
    const_cast<typename Tree::Node&>(*it) = std::make_shared<value_type>(key, std::forward<M>(value));
    return {const_iterator(it), false};
  }

  /// Adds or replaces the element `it` points to, in another SharedMap, sharing it (not copied).
  void insert_shared(const_iterator it) {
    auto& tree = tree_.own();
    const auto& node = *it.base();
    auto found = tree.find(node->first);
    if (found == tree.end()) {
      tree.insert(node);
    } else {
      const_cast<typename Tree::Node&>(*found) = node;
    }
  }
  /// Adds or replaces every element of `other`, sharing them.
  void merge_shared(const SharedMap& other) {
    if (other.empty()) return;
    if (empty()) {
      *this = other;
      return;
    }
    for (auto it = other.begin(); it != other.end(); ++it) insert_shared(it);
  }

  size_type erase(const K& key) {
    if (!count(key)) return 0;
    auto& tree = tree_.own();
    tree.erase(tree.find(key));
    return 1;
  }
  const_iterator erase(const_iterator pos) {
    auto& tree = tree_.own();  // `pos` may point into the index shared before
    return const_iterator(tree.erase(tree.find(pos->first)));
  }
  void clear() { tree_ = Tree(); }

  /// True when both maps hold the very same elements (a copy not changed since).
  bool shares(const SharedMap& o) const { return tree_.same_as(o.tree_); }

  friend bool operator==(const SharedMap& a, const SharedMap& b) {
    return a.tree_.equal(b.tree_);
  }
  friend bool operator!=(const SharedMap& a, const SharedMap& b) { return !(a == b); }

 private:
  Tree tree_;
};

/// A sorted set of T whose copies share their elements, like SharedMap. Its elements are
/// constant, as in a std::set.
template <class T>
class SharedSet {
 private:
  struct KeyOf {
    const T& operator()(const T& v) const { return v; }
  };
  using Tree = detail::SharedTree<T, T, KeyOf>;
  using Base = typename Tree::Tree::const_iterator;

 public:
  using key_type = T;
  using value_type = T;
  using size_type = std::size_t;

  using const_iterator = detail::SharedIterator<T, Base>;
  using iterator = const_iterator;

  SharedSet() = default;
  SharedSet(std::initializer_list<T> values) {
    for (const auto& v : values) insert(v);
  }

  size_type size() const { return tree_.tree().size(); }
  bool empty() const { return tree_.tree().empty(); }
  const_iterator begin() const { return const_iterator(tree_.tree().begin()); }
  const_iterator end() const { return const_iterator(tree_.tree().end()); }
  const_iterator find(const T& v) const { return const_iterator(tree_.tree().find(v)); }
  size_type count(const T& v) const { return tree_.tree().count(v); }
  const_iterator lower_bound(const T& v) const { return const_iterator(tree_.tree().lower_bound(v)); }

  std::pair<const_iterator, bool> insert(const T& v) {
    auto& tree = tree_.own();
    auto it = tree.find(v);
    if (it != tree.end()) return {const_iterator(it), false};
    auto done = tree.insert(std::make_shared<T>(v));
    return {const_iterator(done.first), true};
  }
  template <class... Args>
  std::pair<const_iterator, bool> emplace(Args&&... args) {
    return insert(T(std::forward<Args>(args)...));
  }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }
  /// Adds every element of `other` this set lacks, sharing them.
  void merge_shared(const SharedSet& other) {
    if (other.empty()) return;
    if (empty()) {
      *this = other;
      return;
    }
    auto& tree = tree_.own();
    for (const auto& node : other.tree_.tree()) tree.insert(node);
  }
  size_type erase(const T& v) {
    if (!count(v)) return 0;
    auto& tree = tree_.own();
    tree.erase(tree.find(v));
    return 1;
  }
  void clear() { tree_ = Tree(); }

  bool shares(const SharedSet& o) const { return tree_.same_as(o.tree_); }
  friend bool operator==(const SharedSet& a, const SharedSet& b) {
    return a.tree_.equal(b.tree_);
  }
  friend bool operator!=(const SharedSet& a, const SharedSet& b) { return !(a == b); }

 private:
  Tree tree_;
};

}  // namespace civicplan
