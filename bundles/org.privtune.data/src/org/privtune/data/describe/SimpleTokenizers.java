package org.privtune.data.describe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Stand-in tokenizers for describing a data set when the model's tokenizer is not at hand. They
 * follow BERT's pre-tokenization (lower case, split at whitespace, punctuation as tokens of its
 * own) and, with a vocabulary, its greedy longest-match WordPiece; accents are not stripped, so
 * counts are close to but not equal to the model's. Both are thread-safe.
 */
public final class SimpleTokenizers {

    /** Words longer than this become the unknown token, as in BERT. */
    private static final int MAX_WORD_CHARS = 100;

    private SimpleTokenizers() {
    }

    /** Lower-cased words and single punctuation characters. */
    public static Function<String, List<String>> basic() {
        return SimpleTokenizers::basicTokens;
    }

    /** {@link #basic()} followed by WordPiece against {@code vocabulary} ("##" marks continuations). */
    public static Function<String, List<String>> wordPiece(Set<String> vocabulary, String unknownToken) {
        return text -> {
            List<String> out = new ArrayList<>(text.length() / 4 + 8);
            for (String word : basicTokens(text)) {
                wordPiece(word, vocabulary, unknownToken, out);
            }
            return out;
        };
    }

    static List<String> basicTokens(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>(s.length() / 4 + 8);
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128 && ASCII_WORD[c]) {
                if (start < 0) {
                    start = i;
                }
                continue;
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (isPunctuation(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
                out.add(String.valueOf(c));
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** ASCII characters that are part of a word (letters and digits): the fast path of the scan. */
    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD[c] = Character.isLetterOrDigit(c);
        }
    }

    /** BERT's notion: ASCII symbols and Unicode punctuation. */
    static boolean isPunctuation(char c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    private static void wordPiece(String word, Set<String> vocab, String unk, List<String> out) {
        if (word.length() > MAX_WORD_CHARS) {
            out.add(unk);
            return;
        }
        int size = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String piece = null;
            while (start < end) {
                String sub = start == 0 ? word.substring(start, end) : "##" + word.substring(start, end);
                if (vocab.contains(sub)) {
                    piece = sub;
                    break;
                }
                end--;
            }
            if (piece == null) {
                while (out.size() > size) {
                    out.remove(out.size() - 1);
                }
                out.add(unk);
                return;
            }
            out.add(piece);
            start = end;
        }
    }
}
