package org.privtune.ui.handlers;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.privtune.ui.state.PerspectiveReset;

/** Window > Reset Perspective: the views where the studio first placed them. */
public class ResetPerspectiveHandler {

    @Execute
    public void execute(MApplication application, MWindow window, EModelService models, EPartService parts) {
        PerspectiveReset.reset(application, window, models, parts);
    }
}
