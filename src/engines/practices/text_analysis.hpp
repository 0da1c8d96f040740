// SPDX-License-Identifier: Apache-2.0
// Italian-friendly text analysis for search: folding, elision, stop words, light stemming.
#pragma once

#include <string>
#include <vector>

namespace civicplan::detail {

/// One word of a text after analysis.
struct Token {
  std::string term;  ///< what is indexed and matched: folded, then lightly stemmed
  std::string word;  ///< the folded word as written ("famiglie"), for showing matches
};

/// Lowercases and folds accents of UTF-8 text: letters of Latin-1 and Latin Extended-A lose
/// their diacritics ("è" -> "e", "ç" -> "c", "ß" -> "ss"), Greek and Cyrillic capitals become
/// small letters, combining marks are dropped. Everything else is kept as it is; invalid
/// UTF-8 bytes become spaces.
std::string fold(const std::string& text);

/// Splits text into words and analyses them: folding, apostrophe elision ("dell'infanzia" ->
/// "infanzia", with ' or ’), splitting on everything but letters and digits, Italian stop
/// words dropped, then a light stemmer that folds singular and plural, masculine and feminine
/// ("famiglia", "famiglie" -> "famigl").
std::vector<Token> analyze(const std::string& text);

/// True for a folded word that search ignores ("della", "per", "e", ...).
bool is_stop_word(const std::string& folded_word);

/// The light Italian stem of a folded word: words of six letters or more lose their final
/// vowel, or the two final letters of -ie, -he, -hi, -ii, -ia, -io. Shorter words and words
/// with digits are kept as they are.
std::string light_stem(const std::string& folded_word);

}  // namespace civicplan::detail
