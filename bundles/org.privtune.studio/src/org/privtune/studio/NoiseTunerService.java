package org.privtune.studio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.privtune.mechanism.PublicRelevance;
import org.privtune.mechanism.ModelResources;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.model.EncoderSource;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelRegistry;
import org.privtune.model.TextTokenizer;

/**
 * The studio's one open {@link NoiseTunerEvaluator} and the {@link MechanismSettings} its views
 * share; an OSGi service that the E4 parts get injected. The evaluator is not thread-safe: every
 * Job that calls it holds {@link #rule()}.
 */
@Component(service = NoiseTunerService.class)
public final class NoiseTunerService {

    private final ISchedulingRule rule = new MutexRule();
    private volatile NoiseTunerEvaluator current;
    private volatile MechanismSettings settings = MechanismSettings.DEFAULT;
    /** The model the Noise Tuner is opening an evaluator for, or null. */
    private volatile EncoderSource preparing;

    /** Says which model an evaluator is being opened for (the views waiting for it name it). */
    public void preparing(EncoderSource model) {
        preparing = model;
    }

    /** The model of the evaluator being opened, else of the current one, else null. */
    public EncoderSource preparingModel() {
        EncoderSource p = preparing;
        NoiseTunerEvaluator c = current;
        return p != null ? p : c != null ? c.model() : null;
    }

    /** Held by every Job that calls the evaluator or a {@link HopAnalyser} on it. */
    public ISchedulingRule rule() {
        return rule;
    }

    /** The open evaluator, or null while none is (being re)built. */
    public NoiseTunerEvaluator current() {
        return current;
    }

    /** Makes {@code next} (null: none) the open evaluator and returns the previous one, not closed. */
    public NoiseTunerEvaluator replace(NoiseTunerEvaluator next) {
        NoiseTunerEvaluator previous = current;
        current = next;
        return previous;
    }

    /** The shared settings. */
    public MechanismSettings settings() {
        return settings;
    }

    /** Sets the shared settings; false if they were already these. */
    public boolean select(MechanismSettings s) {
        if (s.equals(settings)) {
            return false;
        }
        settings = s;
        return true;
    }

    /**
     * Opens an evaluator on the first {@code sentences} dev sentences of data set {@code dataName},
     * the reference space built from its training split; it does not become {@link #current()}.
     */
    public NoiseTunerEvaluator open(String dataName, int layer, int graphK, int sentences, Path cacheDir,
            Progress progress) {
        return open(ModelRegistry.DEFAULT, dataName, layer, graphK, sentences, cacheDir, progress);
    }

    /** As {@link #open(String, int, int, int, Path, Progress)} on {@code model} (a built-in or a folder). */
    public NoiseTunerEvaluator open(EncoderSource model, String dataName, int layer, int graphK, int sentences,
            Path cacheDir, Progress progress) {
        Dataset d = DataCommands.defaults().load(dataName, progress);
        DatasetSplit parts = d.split(SplitSpec.DEFAULT);
        List<LabelledText> dev = ModelResources.labelled(d, parts.dev());
        if (dev.isEmpty()) {
            throw new InvalidInputException(dataName, 0, "dev split",
                    "the data set has no dev records for the Noise Tuner to sample (Window > Preferences)");
        }
        List<LabelledText> texts = dev.subList(0, Math.min(sentences, dev.size()));
        NoiseTunerEvaluator opened;
        try {
            opened = NoiseTunerEvaluator.open(model, layer, graphK, ModelResources.labelled(d, parts.train()), d.labels().size(),
                    texts, cacheDir, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // relevance=imdb|both: counted on IMDB sentences the first time a setting asks (about a minute)
        opened.setPublicRelevanceSource(p -> {
            try (TextTokenizer tok = model.tokenizer(64, false)) {
                return PublicRelevance.build(d, tok, opened.resources().tokens(), p).relevance();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return opened;
    }

    /** Closes {@code resource} in a Job that holds {@link #rule()}, i.e. after any running evaluation. */
    public void closeLater(String name, AutoCloseable resource) {
        Job close = Job.create(name, m -> {
            try {
                resource.close();
            } catch (Exception e) {
                return new Status(IStatus.WARNING, "org.privtune.studio", name + " failed", e);
            }
            return Status.OK_STATUS;
        });
        close.setRule(rule);
        close.setSystem(true);
        close.schedule();
    }

    @Deactivate
    void deactivate() {
        NoiseTunerEvaluator e = replace(null);
        if (e != null) {
            closeLater("Noise Tuner: closing", e);
        }
    }
}
