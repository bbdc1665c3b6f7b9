#include "core/summarize/op_count_order.h"

#include <cstddef>

namespace mq {
namespace {

// Ranges shorter than this are left to the final insertion sort.
constexpr std::ptrdiff_t kInsertionThreshold = 16;

// Sorting over a vector by index, with "less" meaning "has a larger count".
class IntroSort {
 public:
  explicit IntroSort(std::vector<OpCount>& items) : items_(items) {}

  void run() {
    std::ptrdiff_t n = static_cast<std::ptrdiff_t>(items_.size());
    if (n < 2) return;
    introsort_loop(0, n, 2 * floor_log2(n));
    final_insertion_sort(0, n);
  }

 private:
  static bool less(const OpCount& a, const OpCount& b) { return a.second > b.second; }
  bool less_at(std::ptrdiff_t a, std::ptrdiff_t b) const { return less(items_[a], items_[b]); }
  void swap_at(std::ptrdiff_t a, std::ptrdiff_t b) { std::swap(items_[a], items_[b]); }

  static std::ptrdiff_t floor_log2(std::ptrdiff_t n) {
    std::ptrdiff_t log = 0;
    while (n > 1) {
      n >>= 1;
      ++log;
    }
    return log;
  }

  void introsort_loop(std::ptrdiff_t first, std::ptrdiff_t last, std::ptrdiff_t depth) {
    while (last - first > kInsertionThreshold) {
      if (depth == 0) {
        heap_sort(first, last);
        return;
      }
      --depth;
      std::ptrdiff_t cut = partition_around_median(first, last);
      introsort_loop(cut, last, depth);
      last = cut;
    }
  }

  // Moves the median of (first+1, middle, last−1) to `first`, then splits
  // [first+1, last) around it; returns where the right part starts.
  std::ptrdiff_t partition_around_median(std::ptrdiff_t first, std::ptrdiff_t last) {
    std::ptrdiff_t middle = first + (last - first) / 2;
    move_median_to_first(first, first + 1, middle, last - 1);
    return unguarded_partition(first + 1, last, first);
  }

  void move_median_to_first(std::ptrdiff_t result, std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t c) {
    if (less_at(a, b)) {
      if (less_at(b, c)) swap_at(result, b);
      else if (less_at(a, c)) swap_at(result, c);
      else swap_at(result, a);
    } else if (less_at(a, c)) {
      swap_at(result, a);
    } else if (less_at(b, c)) {
      swap_at(result, c);
    } else {
      swap_at(result, b);
    }
  }

  std::ptrdiff_t unguarded_partition(std::ptrdiff_t left, std::ptrdiff_t right, std::ptrdiff_t pivot) {
    while (true) {
      while (less_at(left, pivot)) ++left;
      --right;
      while (less_at(pivot, right)) --right;
      if (!(left < right)) return left;
      swap_at(left, right);
      ++left;
    }
  }

  // libstdc++'s __partial_sort over the whole range: build a max-heap, then
  // pop it from the back.
  void heap_sort(std::ptrdiff_t first, std::ptrdiff_t last) {
    std::ptrdiff_t length = last - first;
    if (length >= 2) {
      for (std::ptrdiff_t parent = (length - 2) / 2;; --parent) {
        OpCount value = std::move(items_[first + parent]);
        adjust_heap(first, parent, length, std::move(value));
        if (parent == 0) break;
      }
    }
    while (last - first > 1) {
      --last;
      OpCount value = std::move(items_[last]);
      items_[last] = std::move(items_[first]);
      adjust_heap(first, 0, last - first, std::move(value));
    }
  }

  // Sifts the hole at `hole` down to a leaf, always following the larger
  // child, then pushes `value` back up from there.
  void adjust_heap(std::ptrdiff_t first, std::ptrdiff_t hole, std::ptrdiff_t length, OpCount value) {
    const std::ptrdiff_t top = hole;
    std::ptrdiff_t child = hole;
    while (child < (length - 1) / 2) {
      child = 2 * (child + 1);
      if (less_at(first + child, first + (child - 1))) --child;
      items_[first + hole] = std::move(items_[first + child]);
      hole = child;
    }
    if ((length & 1) == 0 && child == (length - 2) / 2) {
      child = 2 * (child + 1);
      items_[first + hole] = std::move(items_[first + (child - 1)]);
      hole = child - 1;
    }
    std::ptrdiff_t parent = (hole - 1) / 2;
    while (hole > top && less(items_[first + parent], value)) {
      items_[first + hole] = std::move(items_[first + parent]);
      hole = parent;
      parent = (hole - 1) / 2;
    }
    items_[first + hole] = std::move(value);
  }

  void final_insertion_sort(std::ptrdiff_t first, std::ptrdiff_t last) {
    if (last - first > kInsertionThreshold) {
      insertion_sort(first, first + kInsertionThreshold);
      for (std::ptrdiff_t i = first + kInsertionThreshold; i < last; ++i) unguarded_linear_insert(i);
    } else {
      insertion_sort(first, last);
    }
  }

  void insertion_sort(std::ptrdiff_t first, std::ptrdiff_t last) {
    if (first == last) return;
    for (std::ptrdiff_t i = first + 1; i < last; ++i) {
      if (less_at(i, first)) {
        OpCount value = std::move(items_[i]);
        for (std::ptrdiff_t k = i; k > first; --k) items_[k] = std::move(items_[k - 1]);
        items_[first] = std::move(value);
      } else {
        unguarded_linear_insert(i);
      }
    }
  }

  void unguarded_linear_insert(std::ptrdiff_t position) {
    OpCount value = std::move(items_[position]);
    std::ptrdiff_t next = position - 1;
    while (less(value, items_[next])) {
      items_[position] = std::move(items_[next]);
      position = next;
      --next;
    }
    items_[position] = std::move(value);
  }

  std::vector<OpCount>& items_;
};

}  // namespace

void sort_op_counts_like_gtt(std::vector<OpCount>* counts) { IntroSort(*counts).run(); }

}  // namespace mq
