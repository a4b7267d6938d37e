package org.privtune.ui.state;

import java.util.List;

import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.MSnippetContainer;
import org.eclipse.e4.ui.model.application.ui.MUIElement;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspectiveStack;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;

/**
 * Window > Reset Perspective: the PrivTune perspective as the application model defines it. A copy
 * of the pristine perspective is kept among the application's snippets at the first start (and
 * persisted with the model); a reset replaces the perspective by a fresh copy of it.
 */
public final class PerspectiveReset {

    /** The studio's perspective. */
    public static final String PERSPECTIVE = "org.privtune.app.perspective.privtune";

    private PerspectiveReset() {
    }

    /** Stores a copy of the perspective as a snippet unless one is there. */
    public static void keepPristine(MApplication application, EModelService models) {
        if (models.findSnippet(application, PERSPECTIVE) != null) {
            return;
        }
        List<MPerspective> found = models.findElements(application, PERSPECTIVE, MPerspective.class);
        if (!found.isEmpty()) {
            application.getSnippets().add((MPerspective) models.cloneElement(found.get(0), null));
        }
    }

    /**
     * Replaces the window's PrivTune perspective by a copy of the pristine one and shows it. False
     * when the application has no pristine copy (the studio was started without its life cycle).
     */
    public static boolean reset(MApplication application, MWindow window, EModelService models, EPartService parts) {
        MUIElement snippet = models.findSnippet(application, PERSPECTIVE);
        if (snippet == null) {
            return false;
        }
        List<MPerspective> found = models.findElements(window, PERSPECTIVE, MPerspective.class);
        MPerspective fresh = (MPerspective) models.cloneSnippet((MSnippetContainer) application, PERSPECTIVE, window);
        if (found.isEmpty()) {
            return false;
        }
        MPerspective old = found.get(0);
        MPerspectiveStack stack = (MPerspectiveStack) (Object) old.getParent();
        int index = stack.getChildren().indexOf(old);
        stack.getChildren().add(index, fresh);
        stack.setSelectedElement(fresh);
        old.setToBeRendered(false);
        stack.getChildren().remove(old);
        parts.switchPerspective(fresh);
        return true;
    }
}
