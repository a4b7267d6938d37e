package org.privtune.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.privtune.core.InvalidInputException;

/**
 * The token ids of a model's vocabulary that the mechanisms treat apart, read from its
 * tokenizer.json: the special tokens ({@code added_tokens} marked special: [PAD], [CLS], ... or
 * &lt;s&gt;, &lt;pad&gt;, ...), the placeholders no text ever produces ({@code [unusedN]} of BERT
 * vocabularies), and the ids a single-token sentence is wrapped in ([CLS] v [SEP], &lt;s&gt; v &lt;/s&gt;).
 *
 * @param vocabSize    rows of the model's word embeddings
 * @param cls          the id before a sentence
 * @param sep          the id after a sentence
 * @param specials     ids never perturbed
 * @param placeholders further ids that are never a neighbour, target or replacement
 */
public record ModelTokens(int vocabSize, int cls, int sep, int[] specials, int[] placeholders) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\[unused\\d+]|<unused\\d+>");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the special and placeholder ids from {@code tokenizerJson} (named {@code file} in
     * messages) and the wrapping ids from what {@code tokenizer} puts around an empty sentence.
     */
    public static ModelTokens read(InputStream tokenizerJson, String file, int vocabSize, TextTokenizer tokenizer)
            throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
                    "unreadable JSON: " + e.getOriginalMessage(), e);
        }
        List<Integer> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("special").asBoolean(false) && t.path("id").asInt(-1) >= 0) {
                specials.add(t.path("id").asInt());
            }
        }
        List<Integer> placeholders = new ArrayList<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (PLACEHOLDER.matcher(e.getKey()).matches()) {
                    placeholders.add(e.getValue().asInt());
                }
            }
        }
        placeholders.sort(null);
        TextTokenizer.Batch b = tokenizer.encode(List.of(""));
        long[] ids = b.ids()[0];
        long[] mask = b.mask()[0];
        int last = -1;
        for (int i = 0; i < ids.length; i++) {
            if (mask[i] != 0) {
                last = i;
            }
        }
        if (last < 1) {
            throw new InvalidInputException(file, 0, "post_processor",
                    "the tokenizer puts no start and end token around a sentence");
        }
        return new ModelTokens(vocabSize, (int) ids[0], (int) ids[last],
                specials.stream().mapToInt(Integer::intValue).toArray(),
                placeholders.stream().mapToInt(Integer::intValue).toArray());
    }
}
