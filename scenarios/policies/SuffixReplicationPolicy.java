package drill;

import org.apache.kafka.connect.mirror.DefaultReplicationPolicy;

/**
 * A custom replication policy for drills: the source alias goes at the end of the remote topic
 * name instead of the front ("orders" from "primary" becomes "orders__from__primary"), the way
 * some teams keep remote topics sorted next to their local originals. Offset translation must
 * work through it exactly as through the built-in policies.
 */
public class SuffixReplicationPolicy extends DefaultReplicationPolicy {
    private static final String MARK = "__from__";

    @Override
    public String formatRemoteTopic(String sourceClusterAlias, String topic) {
        return topic + MARK + sourceClusterAlias;
    }

    @Override
    public String topicSource(String topic) {
        int i = topic == null ? -1 : topic.lastIndexOf(MARK);
        return i < 0 ? null : topic.substring(i + MARK.length());
    }

    @Override
    public String upstreamTopic(String topic) {
        int i = topic == null ? -1 : topic.lastIndexOf(MARK);
        return i < 0 ? null : topic.substring(0, i);
    }
}
