//! The tokenizer shared, rule for rule, with the browser client (themes/default/static/assets/
//! search.js): text in, terms with positions out. Any change here must be made there too;
//! tests/search_tokenizer.rs feeds both the same strings and compares their output.
//!
//! The rules:
//! 1. Each code point is NFKC-normalised on its own, then lower-cased on its own (no context
//!    rules such as final sigma), so both sides agree whatever their Unicode library.
//! 2. CJK characters (Han, kana, Hangul) form runs; every character is a term (a unigram) and
//!    every pair of neighbours in a run is a term (a bigram), both at the first character's
//!    position. A query of two or more characters is matched as adjacent bigrams, so any
//!    substring of an indexed text is found without a dictionary.
//! 3. Runs of "word" characters (ASCII letters and digits, Latin, Greek and Cyrillic letters,
//!    combining marks) are words; a possessive "'s" is dropped and an apostrophe between two
//!    word characters joins them ("don't" is "dont"). Words of ASCII letters are stemmed by [`stem`].
//! 4. Everything else separates. Each word and each CJK character takes one position.

use unicode_normalization::UnicodeNormalization;

/// A term as the tokenizer finds it, borrowed so that indexing allocates nothing per term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    /// One CJK character.
    Char(char),
    /// Two neighbouring CJK characters.
    Pair(char, char),
    /// A stemmed word.
    Word(&'a str),
}

impl std::fmt::Display for Term<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Term::Char(c) => write!(f, "{c}"),
            Term::Pair(a, b) => write!(f, "{a}{b}"),
            Term::Word(w) => f.write_str(w),
        }
    }
}

/// A term and the position it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub pos: u32,
}

/// Whether `c` (already normalised) belongs to a CJK run.
pub fn is_cjk(c: char) -> bool {
    // Unified ideographs first: most CJK text is in them.
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(c as u32,
            0x1100..=0x11FF      // Hangul Jamo
            | 0x3005 | 0x3007    // 々 〇
            | 0x3041..=0x309F    // Hiragana
            | 0x30A0..=0x30FA | 0x30FC..=0x30FF // Katakana, without the middle dot
            | 0x3130..=0x318F    // Hangul compatibility jamo
            | 0x31F0..=0x31FF    // Katakana phonetic extensions
            | 0x3400..=0x4DBF    // CJK extension A
            | 0x4E00..=0x9FFF    // CJK unified ideographs
            | 0xAC00..=0xD7AF    // Hangul syllables
            | 0xF900..=0xFAFF    // CJK compatibility ideographs
            | 0x20000..=0x323AF  // CJK extensions B to H
        )
}

/// Whether `c` (already normalised) belongs to a word.
pub fn is_word(c: char) -> bool {
    matches!(c as u32,
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A
        | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F // Latin-1 letters, Latin Extended-A and -B
        | 0x300..=0x36F  // combining diacritical marks
        | 0x370..=0x3FF  // Greek
        | 0x400..=0x4FF  // Cyrillic
        | 0x1E00..=0x1EFF // Latin Extended Additional
    )
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Calls `f` with each normalised character of `text`: NFKC then lower case, one code point
/// at a time.
#[cfg(test)]
fn each_normalized(text: &str, mut f: impl FnMut(char)) {
    for c in text.chars() {
        normalized(c, &mut f);
    }
}

/// Calls `f` with each character `c` normalises to: NFKC then lower case.
#[inline]
fn normalized(c: char, f: &mut impl FnMut(char)) {
    if c.is_ascii() {
        f(c.to_ascii_lowercase());
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // Unified ideographs have no decomposition and no case: the common case, kept fast.
        f(c);
    } else if let Some(n) = punctuation(c) {
        f(n);
    } else {
        normalize_slowly(c, f);
    }
}

/// NFKC then lower case, for one code point.
fn normalize_slowly(c: char, f: &mut impl FnMut(char)) {
    for n in std::iter::once(c).nfkc() {
        for l in n.to_lowercase() {
            f(l);
        }
    }
}

/// Blocks whose characters are frequent in Chinese text but need the slow path: general
/// punctuation (“ ” — …), CJK symbols and punctuation (。、《 》) and half- and full-width
/// forms (， ： （ ）).
const PUNCTUATION: [std::ops::RangeInclusive<u32>; 3] = [0x2000..=0x206F, 0x3000..=0x303F, 0xFF00..=0xFFEF];

/// The normalised form of `c` if it is in [`PUNCTUATION`] and normalises to one character,
/// read from a table made once by [`normalize_slowly`] itself, so the two always agree.
#[inline]
fn punctuation(c: char) -> Option<char> {
    static TABLE: std::sync::OnceLock<Vec<Vec<Option<char>>>> = std::sync::OnceLock::new();
    let (block, range) = PUNCTUATION.iter().enumerate().find(|(_, r)| r.contains(&(c as u32)))?;
    let table = TABLE.get_or_init(|| {
        PUNCTUATION
            .iter()
            .map(|r| {
                r.clone()
                    .map(|u| {
                        let mut out = Vec::new();
                        if let Some(c) = char::from_u32(u) {
                            normalize_slowly(c, &mut |n| out.push(n));
                        }
                        (out.len() == 1).then(|| out[0])
                    })
                    .collect()
            })
            .collect()
    });
    table[block][(c as u32 - range.start()) as usize]
}

/// Where the scanner is inside a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InWord {
    /// Not in a word.
    No,
    /// In a word.
    Yes,
    /// Just after an apostrophe that follows a word.
    Apostrophe,
    /// Just after an apostrophe and an "s" that follow a word: a possessive unless a word
    /// character comes next.
    ApostropheS,
}

/// The tokenizer's state while it reads normalised characters one at a time, so that no
/// buffer of the whole text is needed.
struct Scanner<'w> {
    pos: u32,
    /// The previous character, if it was CJK: it and the next CJK character make a pair.
    cjk: Option<char>,
    state: InWord,
    word: &'w mut String,
}

impl Scanner<'_> {
    #[inline]
    fn end_word(&mut self, f: &mut impl FnMut(Term<'_>, u32)) {
        stem_in_place(self.word);
        f(Term::Word(self.word), self.pos);
        self.pos += 1;
        self.state = InWord::No;
    }

    /// A run of ASCII letters and digits, when not just after an apostrophe: the same as
    /// feeding its characters one by one, without looking at each in turn.
    #[inline]
    fn ascii_run(&mut self, run: &str) {
        debug_assert!(matches!(self.state, InWord::No | InWord::Yes));
        if self.state == InWord::No {
            self.cjk = None;
            self.word.clear();
            self.state = InWord::Yes;
        }
        let from = self.word.len();
        self.word.push_str(run);
        if let Some(added) = self.word.get_mut(from..) {
            added.make_ascii_lowercase();
        }
    }

    #[inline]
    fn feed(&mut self, c: char, f: &mut impl FnMut(Term<'_>, u32)) {
        match self.state {
            InWord::No => {}
            InWord::Yes => {
                if is_word(c) {
                    self.word.push(c);
                    return;
                }
                if is_apostrophe(c) {
                    self.state = InWord::Apostrophe;
                    return;
                }
                self.end_word(f);
            }
            InWord::Apostrophe => {
                if c == 's' {
                    self.state = InWord::ApostropheS;
                    return;
                }
                if is_word(c) {
                    // "don't" is one word.
                    self.word.push(c);
                    self.state = InWord::Yes;
                    return;
                }
                // The apostrophe separated; `c` starts afresh.
                self.end_word(f);
            }
            InWord::ApostropheS => {
                if is_word(c) {
                    // Not a possessive: "'s" joins the word.
                    self.word.push('s');
                    self.word.push(c);
                    self.state = InWord::Yes;
                    return;
                }
                // A possessive: "Taizhou's" is "taizhou".
                self.end_word(f);
            }
        }
        if c.is_ascii() {
            // Never CJK: the common case of English text, kept short.
            self.cjk = None;
            if c.is_ascii_alphanumeric() {
                self.word.clear();
                self.word.push(c);
                self.state = InWord::Yes;
            }
        } else if is_cjk(c) {
            self.cjk_char(c, f);
        } else {
            self.cjk = None;
            if is_word(c) {
                self.word.clear();
                self.word.push(c);
                self.state = InWord::Yes;
            }
        }
    }

    /// A CJK character, not in a word: the pair it ends, if any, and the character.
    #[inline(always)]
    fn cjk_char(&mut self, c: char, f: &mut impl FnMut(Term<'_>, u32)) {
        if let Some(p) = self.cjk {
            f(Term::Pair(p, c), self.pos - 1);
        }
        f(Term::Char(c), self.pos);
        self.pos += 1;
        self.cjk = Some(c);
    }

    fn finish(mut self, f: &mut impl FnMut(Term<'_>, u32)) -> u32 {
        if self.state != InWord::No {
            self.end_word(f);
        }
        self.pos
    }
}

/// Calls `f` with every term of `text` and its position, numbering from `start`; returns
/// the next free position. For each CJK character: the character, then the pair it starts.
pub fn each_term(text: &str, start: u32, mut f: impl FnMut(Term<'_>, u32)) -> u32 {
    let mut word = String::new();
    let mut s = Scanner { pos: start, cjk: None, state: InWord::No, word: &mut word };
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if s.state == InWord::No
            && let Some(c) = unified_ideograph(lead, bytes.get(i + 1..i + 3))
        {
            // Most of Chinese text: a unified ideograph is its own normal form and CJK, and
            // is read from its three bytes without decoding in general.
            s.cjk_char(c, &mut f);
            i += 3;
            continue;
        }
        if ALNUM[usize::from(lead)] && matches!(s.state, InWord::No | InWord::Yes) {
            // Most of English text: a word's letters, taken as one run.
            let run = bytes[i..].iter().position(|&b| !ALNUM[usize::from(b)]).map_or(bytes.len(), |n| i + n);
            s.ascii_run(&text[i..run]);
            i = run;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
        normalized(c, &mut |n| s.feed(n, &mut f));
        i += c.len_utf8();
    }
    s.finish(&mut f)
}

/// Whether each byte is an ASCII letter or digit, looked up rather than compared: the test
/// made for every byte of English text.
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The character U+4E00 to U+9FFF (the unified ideographs) that starts with byte `lead`
/// followed by `next`, if it is one: their UTF-8 is three bytes, the first E4 to E9.
#[inline(always)]
fn unified_ideograph(lead: u8, next: Option<&[u8]>) -> Option<char> {
    if !(0xE4..=0xE9).contains(&lead) {
        return None;
    }
    let &[b1, b2] = next? else { return None };
    let c = (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    if c >= 0x4E00 { char::from_u32(c) } else { None }
}

/// The terms of `text`, with positions counted from `start`, and the next free position.
pub fn tokenize_from(text: &str, start: u32) -> (Vec<Token>, u32) {
    let mut out = Vec::new();
    let next = each_term(text, start, |t, pos| out.push(Token { term: t.to_string(), pos }));
    (out, next)
}

/// The terms of `text`, positions from 0.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_from(text, 0).0
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// A small English suffix stripper, easy to mirror exactly in JavaScript: plurals, "-ing",
/// "-ed" and a final "e", so that pump, pumps and pumping meet. Only words of four or more
/// ASCII letters are touched.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

/// [`stem`] on a word in place, so that tokenizing allocates nothing per word.
fn stem_in_place(w: &mut String) {
    let b = w.as_bytes();
    // Every rule below needs the word to end in one of these: most words are left as they are.
    if !matches!(b.last(), Some(b's' | b'g' | b'd' | b'e')) {
        return;
    }
    if b.len() < 4 || !b.iter().all(|c| c.is_ascii_lowercase()) {
        return;
    }
    if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    let stripped = if w.ends_with("ing") && w.len() >= 6 && w.as_bytes()[..w.len() - 3].iter().any(|&c| is_vowel(c)) {
        w.truncate(w.len() - 3);
        true
    } else if w.ends_with("ed") && w.len() >= 5 && w.as_bytes()[..w.len() - 2].iter().any(|&c| is_vowel(c)) {
        w.truncate(w.len() - 2);
        true
    } else {
        false
    };
    let b = w.as_bytes();
    let n = b.len();
    let doubled =
        stripped && n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !matches!(b[n - 1], b'l' | b's' | b'z');
    // "planning" → "plan"; otherwise a final "e" goes: "valve" and "valves" → "valv".
    if doubled || (w.ends_with('e') && n > 4) {
        w.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normalised characters of `text`.
    fn normalize(text: &str) -> Vec<char> {
        let mut out = Vec::new();
        each_normalized(text, |c| out.push(c));
        out
    }

    #[test]
    fn punctuation_read_from_the_table_normalises_as_the_slow_path_does() {
        let mut multi = 0;
        for c in PUNCTUATION.iter().flat_map(|r| r.clone()).filter_map(char::from_u32) {
            let mut slow = Vec::new();
            normalize_slowly(c, &mut |n| slow.push(n));
            assert_eq!(normalize(&c.to_string()), slow, "U+{:04X}", c as u32);
            multi += usize::from(slow.len() > 1);
        }
        // Some characters normalise to several (… is "...") and take the slow path.
        assert!(multi > 0);
        assert_eq!(normalize("，。“”（）…　"), vec![',', '。', '“', '”', '(', ')', '.', '.', '.', ' ']);
    }

    fn terms(s: &str) -> Vec<(String, u32)> {
        tokenize(s).into_iter().map(|t| (t.term, t.pos)).collect()
    }

    #[test]
    fn runs_of_ascii_letters_and_ideographs_give_what_feeding_each_character_gives() {
        let by_char = |text: &str| {
            let (mut word, mut out) = (String::new(), Vec::new());
            let mut f = |t: Term<'_>, pos| out.push((t.to_string(), pos));
            let mut s = Scanner { pos: 0, cjk: None, state: InWord::No, word: &mut word };
            each_normalized(text, |c| s.feed(c, &mut f));
            s.finish(&mut f);
            out
        };
        for text in [
            "Pumps, PUMPING; pump",
            "Taizhou's moulds, don't, it''s, O'Neil's'x, rock'n'roll, 's, x'",
            "ABC模具2019年DEF，Huangyan（黄岩）",
            "Café2x ÉCOLE ΑΒΓ abc Ωmega naïve x\u{301}y",
            "ＰＵＭＰ２０１９ pump2019 ﬁle ｶﾀｶﾅ",
            "a\u{0}b\u{FFFD}c d-e_f",
            "TAIZHOU’S VALVES’ 9’S",
            // Around the unified ideographs read from their bytes (U+4E00 to U+9FFF): extension
            // A and the hexagram symbols before them share their first byte, the Yi syllables
            // after them their length.
            "\u{4DB5}\u{4DBF}\u{4DC0}\u{4DFF}\u{4E00}\u{4E01}\u{9FFE}\u{9FFF}\u{A000}\u{A48C}",
            "模具x模具 x模具x 1模具1 it's模具 don'模具 模\u{4DFF}具 \u{3400}模",
        ] {
            assert_eq!(terms(text), by_char(text), "{text}");
        }
        for b in 0..=255u8 {
            assert_eq!(ALNUM[usize::from(b)], b.is_ascii_alphanumeric(), "{b}");
        }
    }

    #[test]
    fn chinese_runs_give_unigrams_and_bigrams() {
        let t = terms("模具城");
        let want = [("模", 0), ("模具", 0), ("具", 1), ("具城", 1), ("城", 2)];
        assert_eq!(t, want.iter().map(|(a, b)| (a.to_string(), *b)).collect::<Vec<_>>());
    }

    #[test]
    fn punctuation_breaks_runs_but_positions_continue() {
        let t = terms("模具，设计");
        assert!(!t.iter().any(|(s, _)| s == "具设"));
        assert_eq!(t.iter().find(|(s, _)| s == "设计").map(|x| x.1), Some(2));
    }

    #[test]
    fn english_words_are_lower_cased_and_stemmed() {
        assert_eq!(terms("Pumps, PUMPING; pump"), vec![("pump".into(), 0), ("pump".into(), 1), ("pump".into(), 2)]);
        assert_eq!(terms("Taizhou's moulds"), vec![("taizhou".into(), 0), ("mould".into(), 1)]);
    }

    #[test]
    fn mixed_text_numbers_positions_across_scripts() {
        let t = terms("2019年Huangyan模具");
        let want = [("2019", 0), ("年", 1), ("huangyan", 2), ("模", 3), ("模具", 3), ("具", 4)];
        assert_eq!(t, want.iter().map(|(a, b)| (a.to_string(), *b)).collect::<Vec<_>>());
    }

    #[test]
    fn full_width_forms_match_half_width() {
        assert_eq!(terms("ＰＵＭＰ２０１９"), terms("pump2019"));
        assert_eq!(terms("ｶﾀｶﾅ"), terms("カタカナ"));
    }

    #[test]
    fn emoji_and_symbols_separate() {
        assert_eq!(terms("泵🚀阀"), vec![("泵".into(), 0), ("阀".into(), 1)]);
        assert!(terms("🚀 → ★ ,.;").is_empty());
        assert!(terms("").is_empty());
        assert_eq!(terms("\u{FFFD}a\u{0}b"), vec![("a".into(), 0), ("b".into(), 1)]);
    }

    #[test]
    fn apostrophes_read_one_character_at_a_time() {
        let t = |s: &str| terms(s).into_iter().map(|(w, p)| format!("{w}@{p}")).collect::<Vec<_>>().join(" ");
        assert_eq!(t("it's's"), "it@0 s@1");
        assert_eq!(t("a''s"), "a@0 s@1");
        assert_eq!(t("bob'sx"), "bobsx@0");
        assert_eq!(t("bob's"), "bob@0");
        assert_eq!(t("x'"), "x@0");
        assert_eq!(t("x'模"), "x@0 模@1");
        assert_eq!(t("x's模具"), "x@0 模@1 模具@1 具@2");
        assert_eq!(t("Ｂｏｂ’Ｓ city"), "bob@0 city@1");
        assert_eq!(t("rock’n’roll"), "rocknroll@0");
        assert_eq!(normalize("Ａb模ｶ"), vec!['a', 'b', '模', 'カ']);
    }

    #[test]
    fn stemmer_cases() {
        for (w, s) in [
            ("pumps", "pump"),
            ("industries", "industry"),
            ("valves", "valv"),
            ("valve", "valv"),
            ("status", "status"),
            ("glass", "glass"),
            ("planning", "plan"),
            ("testing", "test"),
            ("tested", "test"),
            ("need", "need"),
            ("moulding", "mould"),
            ("analysis", "analysis"),
            ("café", "café"),
        ] {
            assert_eq!(stem(w), s, "{w}");
        }
    }
}
