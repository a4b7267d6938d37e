package org.privtune.ui.widgets;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.privtune.mechanism.MechanismPresets;

/**
 * A preset picker: a read-only Combo of the studio's presets ({@link MechanismPresets#BUILT_IN})
 * and the user's own (Save as Preset, Use for Training), each written {@code @NAME} as
 * {@code --mechanism} takes it. Picking one hands the loaded preset to the listeners; a preset
 * file that cannot be read is reported through {@link #onRefused} with the file and field.
 */
public final class PresetPicker {

    /** The first item, shown until a preset is picked. */
    public static final String PROMPT = "Start from a preset\u2026";

    private final Combo combo;
    private final List<Consumer<MechanismPresets.Preset>> listeners = new ArrayList<>();
    private Consumer<String> refused = message -> { };

    /** A picker named {@code id} ({@link WidgetIds}) in {@code parent}. */
    public PresetPicker(Composite parent, String id) {
        combo = WidgetIds.name(new Combo(parent, SWT.DROP_DOWN | SWT.READ_ONLY), id);
        refresh();
        combo.select(0);
        combo.setVisibleItemCount(16);
        combo.addListener(SWT.FocusIn, e -> refresh());
        combo.addListener(SWT.Selection, e -> {
            String name = presetName(combo.getText());
            combo.setToolTipText(name == null ? tooltip() : describe(name));
            if (name == null) {
                return;
            }
            MechanismPresets.Preset p;
            try {
                p = MechanismPresets.user().load(name);
            } catch (RuntimeException ex) {
                refused.accept(ex.getMessage());
                return;
            }
            for (Consumer<MechanismPresets.Preset> l : listeners) {
                l.accept(p);
            }
        });
        combo.setToolTipText(tooltip());
    }

    public Combo combo() {
        return combo;
    }

    /** Called with the preset the user picked. */
    public void onPick(Consumer<MechanismPresets.Preset> listener) {
        listeners.add(listener);
    }

    /** Called with the reason a picked preset could not be read. */
    public void onRefused(Consumer<String> listener) {
        refused = listener;
    }

    /** Re-reads the user's presets (after a save), keeping the shown item. */
    public void refresh() {
        String shown = combo.getText();
        List<String> items = new ArrayList<>();
        items.add(PROMPT);
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            items.add("@" + b.name());
        }
        for (String n : MechanismPresets.user().names()) {
            if (MechanismPresets.builtIn(n) == null) {
                items.add("@" + n);
            }
        }
        if (items.equals(List.of(combo.getItems()))) {
            return;
        }
        combo.setItems(items.toArray(String[]::new));
        int at = items.indexOf(shown);
        combo.select(Math.max(0, at));
    }

    /** Shows {@code name} as picked (no event), or the prompt when null or unknown. */
    public void show(String name) {
        int at = name == null ? 0 : List.of(combo.getItems()).indexOf("@" + name);
        combo.select(Math.max(0, at));
        combo.setToolTipText(at > 0 ? describe(name) : tooltip());
    }

    /** The preset name of an item, or null for the prompt. */
    private static String presetName(String item) {
        return item.startsWith("@") ? item.substring(1) : null;
    }

    /**
     * One line about a preset: for the studio's own what it protects and costs, for the user's its
     * mechanism (short) and split layer.
     */
    public static String describe(String name) {
        MechanismPresets.BuiltIn b = MechanismPresets.builtIn(name);
        if (b != null) {
            return "@" + name + ": " + b.description();
        }
        try {
            MechanismPresets.Preset p = MechanismPresets.user().load(name);
            return "@" + name + ": your preset, " + p.spec().toShortString() + " at split layer " + p.split();
        } catch (RuntimeException e) {
            return "@" + name + ": " + e.getMessage();
        }
    }

    private static String tooltip() {
        StringBuilder b = new StringBuilder("Fills in a preset's mechanism, parameters and split layer:");
        for (MechanismPresets.BuiltIn p : MechanismPresets.BUILT_IN) {
            b.append("\n@").append(p.name()).append(": ").append(p.description());
        }
        b.append("\nand your own presets (Mechanism > Save as Preset...)");
        return b.toString();
    }
}
