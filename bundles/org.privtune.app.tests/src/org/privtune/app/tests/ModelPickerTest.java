package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.junit.jupiter.api.Test;
import org.privtune.ui.training.SplitTrainingPart;
import org.privtune.ui.widgets.ModelPicker;

/**
 * Split Training's model picker: the built-ins and "Folder...", the split layer's range following
 * the chosen model (the tiny BERT of the model bundle's tests has 3 layers, bge-small-en-v1.5 12),
 * and a folder that is not a model refused in the status line with the choice kept.
 */
class ModelPickerTest {

    private static Path tiny(String name) {
        String dir = System.getProperty("privtune.test.fixtures");
        return (dir != null ? Path.of(dir) : Path.of("../org.privtune.model.tests/fixtures")).resolve(name);
    }

    @Test
    void theSplitLayersRangeFollowsTheChosenModel() throws Exception {
        try (PartHarness ui = new PartHarness("Split Training", 1000, 700)) {
            ui.make(SplitTrainingPart.class);
            Combo combo = ui.find("model", Combo.class);
            Spinner split = ui.find("split", Spinner.class);
            Label status = ui.find("status", Label.class);
            ModelPicker picker = ModelPicker.of(combo);
            assertNotNull(picker);
            assertEquals("all-MiniLM-L6-v2", combo.getItem(0));
            assertEquals("bge-small-en-v1.5", combo.getItem(1));
            assertEquals(ModelPicker.FOLDER, combo.getItem(combo.getItemCount() - 1));
            assertEquals(6, split.getMaximum());

            assertNull(picker.choose("bge-small-en-v1.5"));
            assertEquals(12, split.getMaximum());
            split.setSelection(10);

            Path bert = tiny("tiny-bert");
            assertNull(picker.choose(bert.toString()));
            assertEquals(bert.toString(), combo.getText(), "the folder is shown and kept in the list");
            assertEquals(3, split.getMaximum());
            assertEquals(3, split.getSelection(), "a deeper split is cut to the model's layers");

            String problem = picker.choose(bert.getParent().toString());
            assertNotNull(problem);
            assertTrue(status.getText().startsWith("model: ") && status.getText().contains("config.json"),
                    status.getText());
            assertEquals(bert.toString(), combo.getText(), "a refused folder leaves the choice as it was");
            assertEquals(bert.toString(), picker.selectionText());
            assertEquals(3, split.getMaximum());
        }
    }
}
