package org.privtune.ui.widgets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.privtune.core.InvalidInputException;
import org.privtune.model.BuiltInModel;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;

/**
 * A model picker: a read-only Combo of the built-in models, the folders chosen so far and
 * "Folder..." (a folder in Hugging Face layout, checked when it is chosen; a refused folder leaves
 * the selection as it was and says why through {@link #onRefused}). Listeners get the chosen model.
 */
public final class ModelPicker {

    /** The last item: choose a model folder. */
    public static final String FOLDER = "Folder\u2026";

    private static final String KEY = ModelPicker.class.getName();

    private final Combo combo;
    private final List<Consumer<EncoderSource>> listeners = new ArrayList<>();
    private Consumer<String> refused = message -> { };
    private EncoderSource selected = ModelRegistry.DEFAULT;

    /** A picker named {@code id} ({@link WidgetIds}) in {@code parent}, showing {@code initial} (a name or folder). */
    public ModelPicker(Composite parent, String id, String initial) {
        combo = WidgetIds.name(new Combo(parent, SWT.DROP_DOWN | SWT.READ_ONLY), id);
        combo.setData(KEY, this);
        combo.setToolTipText("The pre-trained encoder: a built-in model or a folder in Hugging Face layout"
                + " (config.json, tokenizer.json, model.safetensors)");
        for (BuiltInModel m : ModelRegistry.builtIns()) {
            combo.add(m.name());
        }
        combo.add(FOLDER);
        if (choose(initial) != null) {
            choose(ModelRegistry.DEFAULT.name());
        }
        combo.addListener(SWT.Selection, e -> {
            String item = combo.getText();
            if (FOLDER.equals(item)) {
                DirectoryDialog d = new DirectoryDialog(combo.getShell());
                d.setMessage("A model folder: config.json, tokenizer.json and model.safetensors (or model.onnx)");
                String dir = d.open();
                if (dir == null) {
                    show(selected);
                    return;
                }
                item = dir;
            }
            choose(item);
        });
    }

    /** The picker whose Combo this is (found by its widget id), or null. */
    public static ModelPicker of(Combo combo) {
        return combo.getData(KEY) instanceof ModelPicker p ? p : null;
    }

    public Combo combo() {
        return combo;
    }

    /** The chosen model. */
    public EncoderSource selection() {
        return selected;
    }

    /** What to record for the chosen model: a built-in's name or the folder's path. */
    public String selectionText() {
        return selected.name();
    }

    /** Calls {@code listener} with each newly chosen model. */
    public void onChange(Consumer<EncoderSource> listener) {
        listeners.add(listener);
    }

    /** Says why a chosen folder was refused. */
    public void onRefused(Consumer<String> handler) {
        refused = handler;
    }

    /**
     * Chooses {@code nameOrFolder} as the "Folder..." item does once a folder is picked: null when
     * it is now the selection (listeners told when it changed), else why it is refused (the
     * selection stays, and {@link #onRefused} is told).
     */
    public String choose(String nameOrFolder) {
        EncoderSource m;
        try {
            m = ModelRegistry.resolve(nameOrFolder);
        } catch (InvalidInputException | IOException e) {
            show(selected);
            refused.accept(e.getMessage());
            return e.getMessage();
        }
        boolean changed = !m.name().equals(selected.name());
        selected = m;
        show(m);
        if (changed) {
            for (Consumer<EncoderSource> l : List.copyOf(listeners)) {
                l.accept(m);
            }
        }
        return null;
    }

    private void show(EncoderSource m) {
        if (combo.isDisposed()) {
            return;
        }
        int at = combo.indexOf(m.name());
        if (at < 0) {
            at = combo.getItemCount() - 1; // before "Folder..."
            combo.add(m.name(), at);
        }
        combo.select(at);
    }
}
