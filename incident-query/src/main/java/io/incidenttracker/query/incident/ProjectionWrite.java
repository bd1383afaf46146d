package io.incidenttracker.query.incident;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One declared write of the incident projection: the table it changes, its kind, the other tables it reads (or, for
 * a statement of several parts, also writes), and its SQL, generated from that declaration.
 * <p>
 * The write-behind batch ({@link WriteQueue}) decides what may share a JDBC batch and in which order batches run from
 * these declarations alone: writes of one declared statement share a batch; {@link #mustStayBefore} says which earlier
 * writes a later one may not pass. Writes are declared once, as constants, so that equal writes are the same object.
 *
 * @param kind      what the statement does to its table
 * @param table     the table it changes
 * @param touched   every table it reads or writes, its own included
 * @param sql         the statement for one row; a JDBC batch of several rows of an {@code INSERT ... VALUES} is
 *                    sent by the driver as multi-row statements
 * @param rowByRow    several statements in one text: each row runs on its own, since a JDBC batch refuses several
 *                    counts per row
 * @param conflictKey for an upsert, the positions of its conflict key among the row's arguments; empty otherwise
 */
record ProjectionWrite(Kind kind, ProjectionTable table, Set<ProjectionTable> touched, String sql, boolean rowByRow,
                       List<Integer> conflictKey) {

    /** What a write does to its table. */
    enum Kind {
        /** Adds rows; with a conflict clause that does nothing on an existing key, still an insert. */
        INSERT,
        /** Adds rows or updates the existing row of the same key. */
        UPSERT,
        UPDATE,
        DELETE;

        /** Whether the write may create rows, on which rows of other tables may then depend. */
        boolean createsRows() {
            return this == INSERT || this == UPSERT;
        }
    }

    ProjectionWrite {
        touched = Collections.unmodifiableSet(EnumSet.copyOf(touched));
        conflictKey = List.copyOf(conflictKey);
    }

    /**
     * A batch's rows in the order they may run: in one round, or for an upsert in rounds whose rows have distinct
     * keys, each key's rows in the rounds one after another in the order given. A multi-row upsert may not change one
     * row twice (and each of its rows must see the one before it of the same key), while rows of different keys
     * change different rows and may run in one statement in any order.
     */
    List<List<Object[]>> rounds(List<Object[]> rows) {
        if (conflictKey.isEmpty() || rows.size() < 2) {
            return List.of(rows);
        }
        Map<List<Object>, Integer> seen = new HashMap<>();
        List<List<Object[]>> rounds = new ArrayList<>();
        for (Object[] row : rows) {
            Object[] key = new Object[conflictKey.size()];
            for (int i = 0; i < key.length; i++) {
                key[i] = row[conflictKey.get(i)];
            }
            int round = seen.merge(Arrays.asList(key), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(row);
        }
        return rounds;
    }

    /** The start of an INSERT into the given columns of a table. */
    static Insert insertInto(ProjectionTable table, String... columns) {
        return new Insert(table, List.of(columns), Collections.nCopies(columns.length, "?"));
    }

    /** {@code UPDATE table SET assignments WHERE condition}. */
    static ProjectionWrite update(ProjectionTable table, String assignments, String condition) {
        String sql = "UPDATE " + table.sqlName() + " SET " + assignments + " WHERE " + condition;
        return new ProjectionWrite(Kind.UPDATE, table, EnumSet.of(table), sql, false, List.of());
    }

    /** {@code DELETE FROM table WHERE condition}. */
    static ProjectionWrite delete(ProjectionTable table, String condition) {
        String sql = "DELETE FROM " + table.sqlName() + " WHERE " + condition;
        return new ProjectionWrite(Kind.DELETE, table, EnumSet.of(table), sql, false, List.of());
    }

    /**
     * Several statements sent as one text: the first one's kind and table, and every other table the text reads or
     * writes. Each row runs on its own (its statements still in one round trip).
     */
    static ProjectionWrite script(Kind kind, ProjectionTable table, Set<ProjectionTable> alsoTouched, String sql) {
        EnumSet<ProjectionTable> touched = EnumSet.of(table);
        touched.addAll(alsoTouched);
        return new ProjectionWrite(kind, table, touched, sql, true, List.of());
    }

    /**
     * Whether a write queued after this one must run after it: when both touch a table, or when this one creates
     * rows that the later one's rows may refer to. Otherwise the later write may run first (join an earlier batch).
     */
    boolean mustStayBefore(ProjectionWrite later) {
        for (ProjectionTable table : later.touched) {
            if (touched.contains(table)) {
                return true;
            }
        }
        if (kind.createsRows() && later.kind != Kind.DELETE) {
            for (ProjectionTable table : later.touched) {
                if (table.dependsOn(this.table)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * An INSERT being declared: its table, its columns and the parameter of each ({@code ?}, or {@code ?::type} for
     * a column whose value is sent as text); the source of its rows and its conflict clause follow.
     */
    record Insert(ProjectionTable table, List<String> columns, List<String> parameters) {

        /** The value of the column is sent as text and cast to the given type. */
        Insert cast(String column, String type) {
            int index = columns.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("No column " + column + " in the insert into " + table);
            }
            List<String> cast = new java.util.ArrayList<>(parameters);
            cast.set(index, "?::" + type);
            return new Insert(table, columns, List.copyOf(cast));
        }

        /** {@code INSERT INTO table (columns) VALUES (?, ...)}: one row per set of arguments. */
        ProjectionWrite values() {
            String sql = head() + " VALUES " + placeholders();
            return new ProjectionWrite(Kind.INSERT, table, EnumSet.of(table), sql, false, List.of());
        }

        /** As {@link #values()}, a row whose key exists already left as it is. */
        ProjectionWrite valuesOnConflictDoNothing(String key) {
            String sql = head() + " VALUES " + placeholders() + " ON CONFLICT (" + key + ") DO NOTHING";
            return new ProjectionWrite(Kind.INSERT, table, EnumSet.of(table), sql, false, List.of());
        }

        /**
         * An upsert: {@code INSERT ... VALUES (?, ...) ON CONFLICT (key) DO UPDATE SET update}, where {@code update}
         * (the assignments and an optional {@code WHERE}) may use {@code EXCLUDED} and the table's name, and no
         * parameter (so that the driver may send a batch as multi-row statements).
         * <p>
         * A batch runs in {@link #rounds} of distinct keys: a multi-row statement fails when two of its rows have
         * the same key, and the second must see what the first wrote. The rounds compare key values with Java's
         * {@code equals}, so a key column takes no cast, and its values must be of a type whose {@code equals} is
         * the database's equality (a {@code UUID}, a {@code String} of a text column, a {@code Long}).
         */
        ProjectionWrite valuesOnConflictUpdate(String key, String update) {
            if (update.contains("?")) {
                throw new IllegalArgumentException("An upsert's update takes no parameter: " + update);
            }
            List<Integer> positions = new ArrayList<>();
            for (String column : key.split(",")) {
                int position = columns.indexOf(column.trim());
                if (position < 0) {
                    throw new IllegalArgumentException("The conflict key " + key + " is not among the columns "
                                                       + columns + " of the upsert into " + table);
                }
                if (!parameters.get(position).equals("?")) {
                    throw new IllegalArgumentException("The conflict key's column " + column.trim()
                                                       + " takes no cast in the upsert into " + table);
                }
                positions.add(position);
            }
            String sql = head() + " VALUES " + placeholders() + " ON CONFLICT (" + key + ") DO UPDATE SET " + update;
            return new ProjectionWrite(Kind.UPSERT, table, EnumSet.of(table), sql, false, positions);
        }

        /** {@code INSERT INTO table (columns) select}, where the SELECT reads the given tables. */
        ProjectionWrite select(String select, ProjectionTable... reads) {
            EnumSet<ProjectionTable> touched = EnumSet.of(table);
            touched.addAll(List.of(reads));
            String sql = head() + " " + select;
            return new ProjectionWrite(Kind.INSERT, table, touched, sql, false, List.of());
        }

        private String head() {
            return "INSERT INTO " + table.sqlName() + " (" + String.join(", ", columns) + ")";
        }

        private String placeholders() {
            return "(" + String.join(", ", parameters) + ")";
        }
    }
}
