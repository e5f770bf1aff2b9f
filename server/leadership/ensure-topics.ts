/**
 * Creates the topics of several servers when they are missing (`npm run services:up` creates them
 * too), so a cluster set up before them still elects a leader.
 */
import type { Kafka } from 'kafkajs';

/** Creates each missing topic with its partitions (replication factor: the broker's default). */
export async function ensureTopics(kafka: Kafka, topics: readonly { topic: string; partitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions })) });
    } catch (err) {
      // Another server created them at the same time: fine once they exist.
      const now = new Set(await admin.listTopics());
      if (missing.some((t) => !now.has(t.topic))) throw err;
    }
  } finally {
    await admin.disconnect();
  }
}
