/** The text of the SQL client's `HELP;` command. */

/** What `HELP;` prints: the client's commands and the statements Strom runs. */
export const HELP_TEXT = `The SQL client's commands (end each with ';'; a statement may span lines):

  HELP;                      Show this help
  QUIT; or EXIT;             Leave the client (Ctrl-D does too)
  CLEAR;                     Clear the terminal
  SET;                       List the session's options
  SET 'key' = 'value';       Set an option, e.g.
                               SET 'execution.runtime-mode' = 'batch';   (or 'streaming')
                               SET 'parallelism.default' = '2';
                               SET 'table.local-time-zone' = 'Europe/Berlin';
  RESET 'key'; or RESET;     Back to the default

SQL statements: CREATE / DROP / ALTER TABLE, VIEW, FUNCTION, DATABASE, CATALOG; SHOW ...;
DESCRIBE t; USE ...; SELECT ... / VALUES ...; INSERT INTO ...; EXPLAIN ...;
BEGIN STATEMENT SET; INSERT ...; INSERT ...; END;

A query shows its result as a live table while it runs; Ctrl-C cancels the running statement
(not the client). Up and down arrows walk the history (kept in ~/.strom_sql_history, or in
$STROM_HOME/sql_history when STROM_HOME is set).
`;
