package web_test

// staffAccessRows are the access matrix's rows of the staff, economy and
// sustainability routes: HR reads and writes the staff figures, finance the
// economy and sustainability; the analyst reads both; everyone else gets
// 403 (401 or the login page when not signed in).
func staffAccessRows() []access {
	// The columns: anon, owner, other, pro, proOther, mgrOther, analyst,
	// admin, contracts, rescue, personnel (HR), finance.
	hrPage := want{login, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403}
	hrAPI := want{401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403}
	hrWrite := want{401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403}
	finPage := want{login, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 200}
	finAPI := want{401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 200}
	finWrite := want{401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}
	return []access{
		{route: "GET /personnel", want: hrPage, method: "GET", path: "/personnel?year=2024"},
		{route: "GET /api/v1/staff/figures", want: hrAPI, method: "GET", path: "/api/v1/staff/figures?year=2024"},
		{route: "POST /api/v1/staff/employments", want: hrWrite, method: "POST", path: "/api/v1/staff/employments",
			body: `{"employments":[{"key":"m1","area":"common-services","profession":"support","start":"2024-01-01"}]}`},
		{route: "GET /economy", want: finPage, method: "GET", path: "/economy?year=2024"},
		{route: "GET /api/v1/economy/figures", want: finAPI, method: "GET", path: "/api/v1/economy/figures?year=2024"},
		{route: "POST /api/v1/economy/budget", want: finWrite, method: "POST", path: "/api/v1/economy/budget",
			body: `{"budget":[{"area":"common-services","month":"2024-01","budget_eur":100,"actual_eur":90}]}`},
		{route: "GET /sustainability", want: finPage, method: "GET", path: "/sustainability?year=2024"},
		{route: "GET /api/v1/sustainability/figures", want: finAPI, method: "GET", path: "/api/v1/sustainability/figures?year=2024"},
	}
}
