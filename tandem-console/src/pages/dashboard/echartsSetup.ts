// Apache ECharts, only the parts the dashboard draws (tree-shaken: https://echarts.apache.org/handbook/en/basics/import/
// "Shrinking Bundle Size"): line and bar charts on a time axis with grid, tooltip, legend and the ARIA description
// (https://echarts.apache.org/en/option.html#aria), drawn on a canvas. This module is only ever imported
// dynamically (see TimeChart.tsx), so ECharts is a lazy chunk outside the first load.
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export { echarts };
