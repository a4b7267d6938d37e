package org.privtune.attack.experiment;

import org.privtune.core.Progress;

/** Measures one setting: fine-tunes, evaluates utility and runs the attacks. */
@FunctionalInterface
public interface SettingExecutor {

    SettingResult run(Setting setting, Progress progress) throws Exception;
}
