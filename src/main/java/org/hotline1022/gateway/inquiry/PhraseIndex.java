package org.hotline1022.gateway.inquiry;

import java.util.HashMap;
import java.util.Map;

/**
 * A word trie over folded phrases, each carrying a payload. {@link #scan} reports maximal matches:
 * the longest phrase starting at each word, unless it lies inside a longer match already reported
 * ("test nhanh dương tính" counts, its "dương tính" does not; "người từ" + "từ vùng đỏ" both do).
 * Cost is at most tokens × longest phrase length, whatever the input.
 */
final class PhraseIndex<T> {
  /** Receives each match: the token range [start, end) and the phrase's payload. */
  interface Sink<T> {
    void match(int start, int end, T payload);
  }

  private static final class Node<T> {
    final Map<String, Node<T>> next = new HashMap<>(4);
    T payload;
  }

  private final Node<T> root = new Node<>();
  private int maxWords;

  /** Adds a folded phrase; returns the payload already stored for it, or null. Build time only. */
  T put(String foldedPhrase, T payload) {
    String[] words = foldedPhrase.split(" ");
    Node<T> node = root;
    for (String w : words) {
      node = node.next.computeIfAbsent(w, k -> new Node<>());
    }
    T old = node.payload;
    node.payload = payload;
    maxWords = Math.max(maxWords, words.length);
    return old;
  }

  T get(String foldedPhrase) {
    Node<T> node = root;
    for (String w : foldedPhrase.split(" ")) {
      node = node.next.get(w);
      if (node == null) return null;
    }
    return node.payload;
  }

  void scan(String[] tokens, Sink<T> sink) {
    int n = tokens.length;
    int coveredEnd = 0;
    for (int i = 0; i < n; i++) {
      Node<T> node = root;
      int bestEnd = -1;
      T best = null;
      for (int j = i; j < n && j - i < maxWords; j++) {
        node = node.next.get(tokens[j]);
        if (node == null) break;
        if (node.payload != null) {
          bestEnd = j + 1;
          best = node.payload;
        }
      }
      // a phrase inside a longer one already counted is not counted again; overlapping ones are
      if (bestEnd > coveredEnd) {
        sink.match(i, bestEnd, best);
        coveredEnd = bestEnd;
      }
    }
  }
}
