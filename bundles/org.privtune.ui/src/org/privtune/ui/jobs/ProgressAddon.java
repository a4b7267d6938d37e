package org.privtune.ui.jobs;

import jakarta.annotation.PostConstruct;

/**
 * Model add-on of the standalone studio: installs {@link JobsProgress}, which the Progress view and
 * the status line read.
 */
public class ProgressAddon {

    @PostConstruct
    public void init() {
        JobsProgress.get().install();
    }
}
