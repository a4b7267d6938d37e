package org.privtune.data.builtin;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The private attributes given to every sentence of the built-in {@code sentiment} set, as
 * targets for attribute-inference attacks (none of them is the task label):
 * <ul>
 * <li>{@value #SOURCE}: the site the sentence came from (imdb, yelp, amazon);</li>
 * <li>{@value #LENGTH}: short (at most 7 words), medium (8-14) or long (15 or more); the
 * thresholds are the terciles of the 3,000 sentences, fixed here so they never move;</li>
 * <li>{@value #NUMBER_OR_NAME}: "yes" when the sentence contains a digit or a capitalised word
 * that does not start a sentence, unless most words are capitalised (a rough stand-in for "names a
 * product, place or person").</li>
 * </ul>
 */
public final class SentimentAttributes {

    public static final String SOURCE = "source";
    public static final String LENGTH = "length_bucket";
    public static final String NUMBER_OR_NAME = "has_number_or_capitalised_name";

    private static final Pattern DIGIT = Pattern.compile("\\p{Nd}");
    private static final Pattern CAPITALISED = Pattern.compile("[A-Z][a-z]+.*");
    /** Capitalised words that are not names even in mid-sentence. */
    private static final Set<String> NOT_NAMES = Set.of("I", "I'm", "I've", "I'd", "I'll", "OK", "Ok");

    private SentimentAttributes() {
    }

    /**
     * The attribute of any record: its own value when it has one; otherwise {@value #SOURCE} from
     * its source column, and {@value #LENGTH} and {@value #NUMBER_OR_NAME} computed from its text as
     * for the built-in set; null when neither exists (a source the record does not have).
     */
    public static String of(org.privtune.data.Record r, String name) {
        String v = r.attribute(name);
        if (v != null) {
            return v;
        }
        return switch (name) {
            case SOURCE -> r.source();
            case LENGTH -> lengthBucket(r.text());
            case NUMBER_OR_NAME -> hasNumberOrCapitalisedName(r.text()) ? "yes" : "no";
            default -> null;
        };
    }

    public static String lengthBucket(String text) {
        int words = text.strip().split("\\s+").length;
        return words <= 7 ? "short" : words <= 14 ? "medium" : "long";
    }

    public static boolean hasNumberOrCapitalisedName(String text) {
        if (DIGIT.matcher(text).find()) {
            return true;
        }
        String[] words = text.strip().split("\\s+");
        int capitalised = 0;
        for (String w : words) {
            if (CAPITALISED.matcher(w).matches()) {
                capitalised++;
            }
        }
        if (capitalised * 2 > words.length) {
            return false; // Title Case Or Shouting: capitals carry no evidence of a name
        }
        for (int i = 1; i < words.length; i++) {
            String prev = words[i - 1];
            char last = prev.isEmpty() ? '.' : prev.charAt(prev.length() - 1);
            if (last == '.' || last == '!' || last == '?' || last == ':' || last == '"') {
                continue; // a capital after a sentence end is not evidence of a name
            }
            String w = words[i].replaceAll("^[\"'(\\[]+", "");
            if (CAPITALISED.matcher(w).matches() && !NOT_NAMES.contains(w.replaceAll("[^A-Za-z']", ""))) {
                return true;
            }
        }
        return false;
    }
}
