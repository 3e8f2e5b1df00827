import { runStromJob } from "/work/main/bench/tools/case-runner.ts";
const [backend, interval, n, keys, p] = process.argv.slice(2);
const r = await runStromJob("/work/main/bench/jobs/checkpointed-state.ts", Number(p ?? 1), {
  BENCH_N: n!, BENCH_KEYS: keys!, BENCH_BACKEND: backend!, BENCH_CP_INTERVAL: interval!, BENCH_CP_DIR: "/tmp/cpb/cp", BENCH_CP_RETAIN: "1000",
});
console.log(JSON.stringify(r), (Number(n) / r.netMs / 1000).toFixed(2), "M/s");
