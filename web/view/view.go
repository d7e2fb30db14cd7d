// Package view holds what the pages and the CSV files of package web write
// but that knows nothing of HTTP handlers: numbers, shares and hours in the
// way each language writes them (format.go), the geometry of the bar charts
// drawn as SVG on the server (chart.go), and CSV files safe to open in a
// spreadsheet (csv.go). Everything here is a pure function of its inputs.
package view
