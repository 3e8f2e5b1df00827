/**
 * `count_char(s STRING, c STRING) -> BIGINT`, the scalar function Nexmark q14 calls: how many
 * times the string `c` (one character) occurs in `s`; 0 for NULL arguments. SQL loads it with
 * `CREATE TEMPORARY SYSTEM FUNCTION count_char AS './bench/nexmark/udf.ts#countChar'`.
 */
export const countChar = {
  resultType: "BIGINT",
  eval(s: string | null, c: string | null): number {
    if (s === null || c === null || c.length === 0) return 0;
    let n = 0;
    for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + c.length)) n++;
    return n;
  },
};
