package dev.tandem.salesforce.write;

import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphBatchesTest {

    private static Graph graph(int id, int nodes) {
        List<GraphNode> list = new ArrayList<>();
        IntStream.range(0, nodes).forEach(i -> list.add(new GraphNode("POST", "sobjects/Account", "n" + i, null)));
        return new Graph("g" + id, list);
    }

    @Test
    void packsUpTo75GraphsPerRequest() {
        List<Graph> graphs = IntStream.range(0, 160).mapToObj(i -> graph(i, 1)).toList();
        assertThat(GraphBatches.split(graphs)).extracting(List::size).containsExactly(75, 75, 10);
    }

    @Test
    void packsUpTo500NodesPerRequest() {
        List<Graph> graphs = IntStream.range(0, 70).mapToObj(i -> graph(i, 8)).toList();
        List<List<Graph>> requests = GraphBatches.split(graphs);
        assertThat(requests).extracting(List::size).containsExactly(62, 8);
        requests.forEach(r -> assertThat(r.stream().mapToInt(g -> g.nodes().size()).sum()).isLessThanOrEqualTo(500));
    }

    @Test
    void keepsRequestOrder() {
        List<Graph> graphs = IntStream.range(0, 80).mapToObj(i -> graph(i, 1)).toList();
        assertThat(GraphBatches.split(graphs).stream().flatMap(List::stream).toList()).isEqualTo(graphs);
    }

    @Test
    void refusesAGraphLargerThanARequest() {
        assertThatThrownBy(() -> GraphBatches.split(List.of(graph(1, 501)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingToSendMeansNoRequest() {
        assertThat(GraphBatches.split(List.of())).isEmpty();
    }

    @Test
    void packsAtMostFifteenDistinctSObjectTypesPerRequest() {
        List<Graph> graphs = IntStream.range(0, 20).mapToObj(i -> new Graph("g" + i,
                List.of(new GraphNode("POST", "sobjects/Type" + i + "__c", "n", null)))).toList();
        List<List<Graph>> requests = GraphBatches.split(graphs);
        assertThat(requests).extracting(List::size).containsExactly(15, 5);
        assertThat(GraphBatches.nodeTypes(graphs.get(3))).containsExactly("type3__c");
    }
}
