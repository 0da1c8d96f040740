// SPDX-License-Identifier: Apache-2.0
// Italian-friendly text analysis for search: folding, elision, stop words, light stemming.
#include "engines/practices/text_analysis.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace civicplan::detail {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at `i` and advances `i`; kInvalid (one byte consumed) for bad UTF-8.
char32_t decode(const std::string& s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int extra = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + extra >= s.size()) {
    ++i;
    return kInvalid;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += extra + 1;
  return cp;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The letters of U+00C0..U+00FF without diacritics; "" marks a symbol (× and ÷).
constexpr std::array<const char*, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0-FF
};

// Latin Extended-A (U+0100..U+017F) as ranges of code points sharing a base letter.
struct FoldRange {
  char32_t first, last;
  const char* base;
};
constexpr FoldRange kLatinExtendedA[] = {
    {0x0100, 0x0105, "a"}, {0x0106, 0x010D, "c"},  {0x010E, 0x0111, "d"}, {0x0112, 0x011B, "e"},
    {0x011C, 0x0123, "g"}, {0x0124, 0x0127, "h"},  {0x0128, 0x0131, "i"}, {0x0132, 0x0133, "ij"},
    {0x0134, 0x0135, "j"}, {0x0136, 0x0138, "k"},  {0x0139, 0x0142, "l"}, {0x0143, 0x014B, "n"},
    {0x014C, 0x0151, "o"}, {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"}, {0x015A, 0x0161, "s"},
    {0x0162, 0x0167, "t"}, {0x0168, 0x0173, "u"},  {0x0174, 0x0175, "w"}, {0x0176, 0x0178, "y"},
    {0x0179, 0x017E, "z"}, {0x017F, 0x017F, "s"},
};

bool is_apostrophe(char32_t cp) {
  return cp == U'\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

// Code points that separate words: ASCII other than letters and digits, Latin-1 punctuation
// and symbols, general punctuation and the symbol blocks, CJK punctuation, specials, emoji.
bool is_separator(char32_t cp) {
  if (cp < 0x80) {
    return !((cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
             (cp >= U'0' && cp <= U'9'));
  }
  return cp == kInvalid || (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
         cp >= 0x1F000;
}

// Appends the folded form of one non-separator code point.
void fold_letter(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp >= U'A' && cp <= U'Z' ? cp + 32 : cp);
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    out += kLatin1[cp - 0xC0];
  } else if (cp >= 0x100 && cp <= 0x17F) {
    for (const auto& r : kLatinExtendedA) {
      if (cp >= r.first && cp <= r.last) {
        out += r.base;
        return;
      }
    }
  } else if (cp >= 0x0300 && cp <= 0x036F) {
    // Combining diacritical marks: "e" + U+0301 is "é", folded to "e".
  } else if (cp >= 0x0391 && cp <= 0x03A9 && cp != 0x03A2) {
    encode(cp + 0x20, out);  // Greek capitals
  } else if (cp >= 0x0410 && cp <= 0x042F) {
    encode(cp + 0x20, out);  // Cyrillic capitals
  } else if (cp >= 0x0400 && cp <= 0x040F) {
    encode(cp + 0x50, out);  // Cyrillic capitals with marks
  } else {
    encode(cp, out);
  }
}

constexpr std::string_view kStopWords[] = {
    // Sorted: looked up by binary search. Folded forms ("è" is "e", "più" is "piu").
    "a",     "ad",     "agli",   "ai",     "al",     "alla",   "alle",   "allo",   "anche",
    "c",     "che",    "chi",    "ci",     "coi",    "col",    "come",   "con",    "cui",
    "d",     "da",     "dagli",  "dai",    "dal",    "dall",   "dalla",  "dalle",  "dallo",
    "degli", "dei",    "del",    "dell",   "della",  "delle",  "dello",  "di",     "e",
    "ed",    "fra",    "gli",    "i",      "il",     "in",     "l",      "la",     "le",
    "lo",    "loro",   "ma",     "ne",     "negli",  "nei",    "nel",    "nell",   "nella",
    "nelle", "nello",  "non",    "o",      "od",     "ogni",   "per",    "piu",    "quale",
    "quali", "quella", "quelle", "quelli", "quello", "questa", "queste", "questi", "questo",
    "se",    "si",     "sia",    "sono",   "su",     "sua",    "sue",    "sugli",  "sui",
    "sul",   "sull",   "sulla",  "sulle",  "sullo",  "suo",    "suoi",   "tra",    "un",
    "una",   "uno",
};

constexpr std::size_t kLongestStopWord = 6;  // "quello", "questa", ...

bool all_ascii_letters(const std::string& w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::string fold(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = decode(text, i);
    if (cp == kInvalid) {
      out += ' ';
    } else if (is_separator(cp)) {
      encode(cp, out);
    } else {
      fold_letter(cp, out);
    }
  }
  return out;
}

bool is_stop_word(const std::string& folded_word) {
  if (folded_word.size() > kLongestStopWord) return false;
  return std::binary_search(std::begin(kStopWords), std::end(kStopWords),
                            std::string_view(folded_word));
}

std::string light_stem(const std::string& w) {
  const std::size_t n = w.size();
  if (n < 6 || !all_ascii_letters(w)) return w;
  const char last = w[n - 1], before = w[n - 2];
  switch (last) {
    case 'e':
      return w.substr(0, before == 'i' || before == 'h' ? n - 2 : n - 1);
    case 'i':
      return w.substr(0, before == 'h' || before == 'i' ? n - 2 : n - 1);
    case 'a':
    case 'o':
      return w.substr(0, before == 'i' ? n - 2 : n - 1);
    default:
      return w;
  }
}

std::vector<Token> analyze(const std::string& text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 6);
  std::string word;
  auto flush = [&](bool elided) {
    // A word cut by an apostrophe before a letter is an elided article or preposition.
    if (!word.empty() && !elided && !is_stop_word(word)) tokens.push_back({light_stem(word), word});
    word.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = decode(text, i);
    if (is_apostrophe(cp)) {
      std::size_t j = i;
      const char32_t next = j < text.size() ? decode(text, j) : kInvalid;
      flush(!word.empty() && next != kInvalid && !is_separator(next) && !is_apostrophe(next));
    } else if (is_separator(cp)) {
      flush(false);
    } else {
      fold_letter(cp, word);
    }
  }
  flush(false);
  return tokens;
}

}  // namespace civicplan::detail
