/**
 * What the benchmark harness measures around each timed engine run besides its rate:
 * {@link io.peregrine.bench.profile.ShardAllocationCounter} counts the heap bytes the job's shard threads allocate,
 * {@link io.peregrine.bench.profile.WorkloadProfiler} profiles the run with async-profiler and
 * {@link io.peregrine.bench.profile.StackProfile} merges the stacks into flat profiles;
 * {@link io.peregrine.bench.profile.EngineRunMeter} is what the workloads call.
 */
package io.peregrine.bench.profile;
