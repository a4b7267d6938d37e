package org.privtune.studio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.describe.DatasetDescriber;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;

/**
 * What the Dataset Inspector computes: data sets loaded as {@code privtune data} loads them, their
 * description, and the chosen model's word pieces of a text (whole text, no special tokens, no
 * truncation, as {@code privtune data describe} counts them). An OSGi service; the model is the
 * one {@link #useModel} chose (the default built-in until then), each model's tokenizer is loaded
 * on first use and is thread-safe.
 */
@Component(service = DatasetInspectorService.class)
public final class DatasetInspectorService {

    /** The model adds [CLS] and [SEP] around the pieces of a text. */
    public static final int SPECIAL_TOKENS = 2;
    public static final String UNKNOWN = "[UNK]";

    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    private final DataCommands data = DataCommands.defaults();
    private final Map<String, HuggingFaceTokenizer> tokenizers = new java.util.HashMap<>();
    private volatile EncoderSource model = ModelRegistry.DEFAULT;

    /** The model whose tokenizer splits the texts from now on (the studio's chosen model). */
    public void useModel(EncoderSource chosen) {
        model = chosen;
    }

    /** The model whose word pieces are shown. */
    public EncoderSource model() {
        return model;
    }

    /** A built-in data set, a recent import or a file the importer reads. */
    public Dataset load(String name, Progress progress) {
        return data.load(name, progress);
    }

    /** The same description as {@code privtune data describe --max-tokens maxTokens}, with the default split. */
    public DatasetDescription describe(Dataset d, int maxTokens, Progress progress) {
        DescribeOptions options = DescribeOptions.DEFAULTS.withMaxTokens(maxTokens);
        EncoderSource m = model;
        return DatasetDescriber.describe(d, d.split(SplitSpec.DEFAULT), text -> wordPieces(m, text), options, progress);
    }

    /** The word pieces of a text by the chosen model's tokenizer, without its special tokens. */
    public List<String> wordPieces(String text) {
        return wordPieces(model, text);
    }

    /** The word pieces of a text by {@code m}'s tokenizer, without its special tokens. */
    public List<String> wordPieces(EncoderSource m, String text) {
        return Arrays.asList(tokenizer(m).encode(text, false, false).getTokens());
    }

    /** How many pieces the model keeps of a text at input length {@code maxTokens} (room left for [CLS]/[SEP]). */
    public static int kept(int maxTokens) {
        return Math.max(0, maxTokens - SPECIAL_TOKENS);
    }

    private synchronized HuggingFaceTokenizer tokenizer(EncoderSource m) {
        HuggingFaceTokenizer t = tokenizers.get(m.name());
        if (t == null) {
            try (InputStream json = m.openTokenizer()) {
                t = HuggingFaceTokenizer.newInstance(json, COUNTING);
            } catch (IOException e) {
                throw new UncheckedIOException("tokenizer of " + m.name(), e);
            }
            tokenizers.put(m.name(), t);
        }
        return t;
    }

    @Deactivate
    synchronized void deactivate() {
        tokenizers.values().forEach(HuggingFaceTokenizer::close);
        tokenizers.clear();
    }
}
