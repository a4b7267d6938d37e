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
import org.privtune.model.ModelRegistry;

/**
 * What the Dataset Inspector computes: data sets loaded as {@code privtune data} loads them, their
 * description, and MiniLM's word pieces of a text (whole text, no special tokens, no truncation,
 * as {@code privtune data describe} counts them). An OSGi service; the tokenizer is loaded on
 * first use and is thread-safe.
 */
@Component(service = DatasetInspectorService.class)
public final class DatasetInspectorService {

    /** The model adds [CLS] and [SEP] around the pieces of a text. */
    public static final int SPECIAL_TOKENS = 2;
    public static final String UNKNOWN = "[UNK]";

    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    private final DataCommands data = DataCommands.defaults();
    private HuggingFaceTokenizer tokenizer;

    /** A built-in data set, a recent import or a file the importer reads. */
    public Dataset load(String name, Progress progress) {
        return data.load(name, progress);
    }

    /** The same description as {@code privtune data describe --max-tokens maxTokens}, with the default split. */
    public DatasetDescription describe(Dataset d, int maxTokens, Progress progress) {
        DescribeOptions options = DescribeOptions.DEFAULTS.withMaxTokens(maxTokens);
        return DatasetDescriber.describe(d, d.split(SplitSpec.DEFAULT), this::wordPieces, options, progress);
    }

    /** The word pieces of a text, without [CLS]/[SEP]. */
    public List<String> wordPieces(String text) {
        return Arrays.asList(tokenizer().encode(text, false, false).getTokens());
    }

    /** How many pieces the model keeps of a text at input length {@code maxTokens} (room left for [CLS]/[SEP]). */
    public static int kept(int maxTokens) {
        return Math.max(0, maxTokens - SPECIAL_TOKENS);
    }

    private synchronized HuggingFaceTokenizer tokenizer() {
        if (tokenizer == null) {
            try (InputStream json = ModelRegistry.DEFAULT.openTokenizer()) {
                tokenizer = HuggingFaceTokenizer.newInstance(json, COUNTING);
            } catch (IOException e) {
                throw new UncheckedIOException("tokenizer of " + ModelRegistry.DEFAULT.name(), e);
            }
        }
        return tokenizer;
    }

    @Deactivate
    synchronized void deactivate() {
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
    }
}
