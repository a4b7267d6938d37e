package org.privtune.studio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.privtune.model.EncoderSource;

/**
 * A model's vocabulary (WordPiece or BPE), id to token, read from the "vocab" object of its tokenizer.json
 * (the tokenizer library offers no id-to-token lookup). A small scanner instead of a JSON library:
 * the object is a flat map of strings to numbers.
 */
public final class Vocabulary {

    private final String[] tokens;

    private Vocabulary(String[] tokens) {
        this.tokens = tokens;
    }

    /** The vocabulary of {@code model}'s tokenizer.json. */
    public static Vocabulary of(EncoderSource model) throws IOException {
        String json;
        try (InputStream in = model.openTokenizer()) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return parse(json);
    }

    static Vocabulary parse(String json) {
        int model = json.indexOf("\"model\"");
        int start = json.indexOf("\"vocab\"", Math.max(0, model));
        if (start < 0) {
            throw new IllegalArgumentException("tokenizer.json has no model vocab");
        }
        int i = json.indexOf('{', start) + 1;
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        int max = -1;
        while (true) {
            while (Character.isWhitespace(json.charAt(i)) || json.charAt(i) == ',') {
                i++;
            }
            if (json.charAt(i) == '}') {
                break;
            }
            StringBuilder sb = new StringBuilder();
            i++; // opening quote
            while (json.charAt(i) != '"') {
                char c = json.charAt(i++);
                if (c == '\\') {
                    char e = json.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(json.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            i = json.indexOf(':', i) + 1;
            while (Character.isWhitespace(json.charAt(i))) {
                i++;
            }
            int end = i;
            while (Character.isDigit(json.charAt(end))) {
                end++;
            }
            int id = Integer.parseInt(json.substring(i, end));
            i = end;
            names.add(sb.toString());
            ids.add(id);
            max = Math.max(max, id);
        }
        String[] tokens = new String[max + 1];
        for (int k = 0; k < names.size(); k++) {
            tokens[ids.get(k)] = names.get(k);
        }
        return new Vocabulary(tokens);
    }

    public String token(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null ? tokens[id] : "#" + id;
    }

    public int size() {
        return tokens.length;
    }
}
