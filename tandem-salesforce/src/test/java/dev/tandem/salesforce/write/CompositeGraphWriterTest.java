package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SalesforceApi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompositeGraphWriterTest {

    /** Records each batch and answers every graph as successful. */
    private static final class RecordingSalesforce implements SalesforceApi {
        final List<List<Graph>> batches = new ArrayList<>();

        @Override
        public List<ObjectNode> query(String soql) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<GraphResult> compositeGraph(List<Graph> graphs) {
            batches.add(graphs);
            return graphs.stream().map(g -> new GraphResult(g.graphId(), true, List.of())).toList();
        }

        @Override
        public String create(String sobject, ObjectNode fields) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long apiCallCount() {
            return batches.size();
        }
    }

    private final RecordingSalesforce salesforce = new RecordingSalesforce();
    private final CompositeGraphWriter writer = new CompositeGraphWriter(salesforce);

    private static Graph graph(String id, int nodes) {
        return new Graph(id, IntStream.range(0, nodes).mapToObj(i ->
                new GraphNode("POST", "sobjects/Account", "n" + i, JsonNodeFactory.instance.objectNode())).toList());
    }

    @Test
    void sendsAtMost75GraphsPerRequest() {
        List<Graph> graphs = IntStream.range(0, 160).mapToObj(i -> graph("g" + i, 1)).toList();

        writer.write(graphs);

        assertThat(salesforce.batches).extracting(List::size).containsExactly(75, 75, 10);
    }

    @Test
    void sendsAtMost500NodesPerRequest() {
        List<Graph> graphs = IntStream.range(0, 12).mapToObj(i -> graph("g" + i, 100)).toList();

        writer.write(graphs);

        assertThat(salesforce.batches).extracting(List::size).containsExactly(5, 5, 2);
    }

    @Test
    void resultsFollowTheInputOrder() {
        List<Graph> graphs = IntStream.range(0, 100).mapToObj(i -> graph("g" + i, 3)).toList();

        List<GraphResult> results = writer.write(graphs);

        assertThat(results).extracting(GraphResult::graphId).containsExactlyElementsOf(graphs.stream().map(Graph::graphId).toList());
    }

    @Test
    void aGraphOverTheNodeLimitIsRejectedBeforeAnythingIsSent() {
        List<Graph> graphs = List.of(graph("small", 1), graph("huge", 501));

        assertThatThrownBy(() -> writer.write(graphs)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("huge");
        assertThat(salesforce.batches).isEmpty();
    }

    @Test
    void nothingToWriteSendsNothing() {
        assertThat(writer.write(List.of())).isEmpty();
        assertThat(salesforce.batches).isEmpty();
    }
}
