import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../core/src/app-config.js';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { referenceUnitPrices } from '../../catalog/src/reference-prices.service.js';
import { DomainError } from '../../core/src/domain-error.js';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { lineAmount } from '../../core/src/rupiah.js';
import { requireCoordinatorOf, requireRole, type Actor } from '../../identity/src/actor.js';
import { ComplianceService, requirePeriod } from '../../monitoring/src/compliance.service.js';
import {
  billableMilli,
  COUNTED_DEMAND,
  COUNTED_ORDER,
  KITCHEN_IN_REGION,
  requireReportPeriod,
  TIMELINESS_SQL,
} from '../../monitoring/src/fulfilment.service.js';
import type { Cell, ExportColumn, PreparedExport, RowSink } from './export-table.js';
import { ReadSnapshot } from './read-snapshot.js';
import { addDays, localTimeToInstant, zoneOffsetHours } from '../../core/src/time.js';

export const EXPORT_NAMES = ['fulfilment', 'compliance', 'invoices', 'payables'] as const;
export type ExportName = (typeof EXPORT_NAMES)[number];

/** The file name's first part, in Bahasa Indonesia like the headers. */
const FILE_STEM: Record<ExportName, string> = {
  fulfilment: 'pemenuhan',
  compliance: 'kepatuhan',
  invoices: 'faktur',
  payables: 'utang-konsinyasi',
};

const SHEET_NAME: Record<ExportName, string> = {
  fulfilment: 'Pemenuhan',
  compliance: 'Kepatuhan',
  invoices: 'Faktur',
  payables: 'Utang konsinyasi',
};

const REGION_CODE_PATTERN = /^\d{2}(\.\d{2}){0,2}(\.\d{4})?$/;
/** Kitchens whose compliance figures are computed at once (the service reads their lines). */
const COMPLIANCE_KITCHENS_PER_PAGE = 25;
const TOTAL = 'TOTAL';

interface Period {
  regionCode: string;
  from: string;
  to: string;
  timeZone: string | null;
}

/**
 * The coordinator's downloads: the same figures as fulfilmentReport, kitchenCompliance,
 * invoices and consignmentPayables, for one region and period, streamed row by row from a
 * cursor (or page by page through the same service) so a year of a large regency never sits in
 * memory. Read-only: it writes no table.
 */
@Injectable()
export class ExportsService {
  /** Downloads under way in this process: each holds a database connection until it ends. */
  private running = 0;
  /** At most half the pool, so slow downloads can never starve the API's other requests. */
  readonly maxConcurrent: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly compliance: ComplianceService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxConcurrent = Math.max(1, Math.floor(config.databasePoolSize / 2));
  }

  /** Downloads under way in this process now (a hung-up one counts until its writer stops). */
  get underWay(): number {
    return this.running;
  }

  /** Authorises and validates; nothing is read for the rows until `write`. */
  async prepare(
    actor: Actor | null,
    name: ExportName,
    regionCode: unknown,
    from: unknown,
    to: unknown,
  ): Promise<PreparedExport> {
    const signedIn = requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
    const period = await this.requirePeriod(regionCode, from, to);
    requireCoordinatorOf(signedIn, period.regionCode);
    const fileName = `${FILE_STEM[name]}-${period.regionCode}-${period.from}_${period.to}`;
    const { columns, write } = this.exportOf(name, period);
    return {
      fileName,
      sheetName: SHEET_NAME[name],
      columns,
      write: (sink) => this.limited(() => write(sink)),
    };
  }

  private exportOf(name: ExportName, period: Period): Pick<PreparedExport, 'columns' | 'write'> {
    switch (name) {
      case 'fulfilment':
        return this.fulfilment(period);
      case 'compliance':
        return this.complianceExport(period);
      case 'invoices':
        return this.invoices(period);
      case 'payables':
        return this.payables(period);
    }
  }

  /** Refused (before the first byte, so as a 429) while too many downloads are under way. */
  private async limited(write: () => Promise<void>): Promise<void> {
    if (this.running >= this.maxConcurrent) {
      throw DomainError.tooManyRequests(
        'Too many downloads are under way; try again in a minute',
        'Terlalu banyak unduhan sedang berjalan; coba lagi sebentar lagi',
        60,
      );
    }
    this.running++;
    try {
      await write();
    } finally {
      this.running--;
    }
  }

  private async requirePeriod(regionCode: unknown, from: unknown, to: unknown): Promise<Period> {
    const code = typeof regionCode === 'string' ? regionCode.trim() : '';
    if (!REGION_CODE_PATTERN.test(code)) {
      throw DomainError.badInput(
        'regionCode must be a region code such as 35.72',
        'regionCode harus kode wilayah seperti 35.72',
        { field: 'regionCode' },
      );
    }
    const region = await this.catalog.region(code);
    if (!region) {
      throw DomainError.badInput(`Unknown region code ${code}`, `Kode wilayah ${code} tidak dikenal`, {
        field: 'regionCode',
      });
    }
    const start = typeof from === 'string' ? from : '';
    const end = typeof to === 'string' ? to : '';
    // Both rules: the report's (from <= to) and the compliance figures' (at most 366 days).
    requireReportPeriod(start, end);
    requirePeriod(start, end);
    return { regionCode: code, from: start, to: end, timeZone: region.timeZone };
  }

  /**
   * One row per delivery date × kitchen × commodity, then a TOTAL row equal to fulfilmentReport's
   * totals; summing a quantity or money column over the rows above TOTAL gives the same figure.
   */
  private fulfilment(period: Period): Pick<PreparedExport, 'columns' | 'write'> {
    const columns: ExportColumn[] = [
      { header: 'Tanggal kirim', kind: 'date' },
      { header: 'Dapur', kind: 'text' },
      { header: 'ID dapur', kind: 'text' },
      { header: 'Kode komoditas', kind: 'text' },
      { header: 'Komoditas', kind: 'text' },
      { header: 'Satuan', kind: 'text' },
      { header: 'Diminta', kind: 'quantity' },
      { header: 'Dipesan', kind: 'quantity' },
      { header: 'Diterima', kind: 'quantity' },
      { header: 'Ditolak', kind: 'quantity' },
      { header: 'Diperiksa', kind: 'quantity' },
      { header: 'Ditagihkan', kind: 'quantity' },
      { header: 'Belanja (Rp)', kind: 'money' },
      { header: 'Belanja pada harga acuan (Rp)', kind: 'money' },
      { header: 'Tingkat pemenuhan', kind: 'rate' },
      { header: 'Tingkat penolakan', kind: 'rate' },
      { header: 'Tingkat tepat waktu', kind: 'rate' },
    ];
    const write = (sink: RowSink) =>
      ReadSnapshot.run(this.dataSource, async (snapshot) => {
        const parameters = [period.from, period.to, period.regionCode, `${period.regionCode}.%`];
        const references = referenceUnitPrices(
          await this.catalog.referencePricesOn(period.regionCode, period.to),
        );
        const total = emptyFigures();
        let group = null as { key: string; cells: Cell[]; figures: Figures } | null;
        const flush = async () => {
          if (!group) return;
          const f = group.figures;
          await sink.row([
            ...group.cells,
            ...figureCells(f),
            f.demanded > 0 ? f.received / f.demanded : null,
            f.inspected > 0 ? f.rejected / f.inspected : null,
            null,
          ]);
        };
        for await (const rows of snapshot.pages<FulfilmentLine>(FULFILMENT_LINES_SQL, parameters)) {
          for (const line of rows) {
            const key = `${line.delivery_date}|${line.kitchen_id}|${line.commodity_code}`;
            if (group?.key !== key) {
              await flush();
              group = {
                key,
                cells: [
                  line.delivery_date,
                  line.kitchen_name,
                  line.kitchen_id,
                  line.commodity_code,
                  line.commodity_name,
                  line.base_unit,
                ],
                figures: emptyFigures(),
              };
            }
            for (const figures of [group.figures, total]) addLine(figures, line, references);
          }
        }
        await flush();
        const [timeliness] = await snapshot.query<{ received: string; on_time: string }>(
          TIMELINESS_SQL,
          parameters,
        );
        const receivedOrders = Number(timeliness?.received ?? 0);
        await sink.row([
          TOTAL,
          null,
          null,
          null,
          null,
          null,
          ...figureCells(total),
          total.demanded > 0 ? total.received / total.demanded : 0,
          total.inspected > 0 ? total.rejected / total.inspected : 0,
          receivedOrders > 0 ? Number(timeliness?.on_time ?? 0) / receivedOrders : 0,
        ]);
        await sink.end();
      });
    return { columns, write };
  }

  /** kitchenCompliance's figures, one row per kitchen, computed by the same service a page at a time. */
  private complianceExport(period: Period): Pick<PreparedExport, 'columns' | 'write'> {
    const columns: ExportColumn[] = [
      { header: 'Dapur', kind: 'text' },
      { header: 'ID dapur', kind: 'text' },
      { header: 'Kode wilayah', kind: 'text' },
      { header: 'Pemasok berbeda', kind: 'integer' },
      { header: 'Minimal pemasok', kind: 'integer' },
      { header: 'Memenuhi aturan pemasok', kind: 'text' },
      { header: 'Porsi', kind: 'integer' },
      { header: 'Belanja (Rp)', kind: 'money' },
      { header: 'Biaya per porsi (Rp)', kind: 'money' },
      { header: 'Anggaran per porsi (Rp)', kind: 'money' },
      { header: 'Belanja di atas harga acuan (Rp)', kind: 'money' },
      { header: 'Pangsa lokal', kind: 'rate' },
      { header: 'SLHS berlaku', kind: 'text' },
    ];
    const write = async (sink: RowSink) => {
      const kitchens = await this.compliance.kitchensOfRegion(period.regionCode);
      for (let i = 0; i < kitchens.length; i += COMPLIANCE_KITCHENS_PER_PAGE) {
        const page = kitchens.slice(i, i + COMPLIANCE_KITCHENS_PER_PAGE);
        const figures = await this.compliance.figuresOf(page, period.from, period.to);
        for (const [j, f] of figures.entries()) {
          const kitchen = page[j]!;
          await sink.row([
            kitchen.name,
            f.kitchenId,
            kitchen.regionCode,
            f.distinctSuppliers,
            f.minSuppliersPerKitchen,
            yesNo(f.meetsSupplierRule),
            f.portions,
            f.spend,
            f.costPerPortion,
            f.budgetPerPortion,
            f.spendAboveReference,
            f.localShare,
            yesNo(f.hasValidSlhs),
          ]);
        }
      }
      await sink.end();
    };
    return { columns, write };
  }

  /** Every invoice of the region's kitchens issued in the period (local dates), then a TOTAL row. */
  private invoices(period: Period): Pick<PreparedExport, 'columns' | 'write'> {
    const columns: ExportColumn[] = [
      { header: 'Nomor faktur', kind: 'text' },
      { header: 'Diterbitkan', kind: 'instant' },
      { header: 'Dapur', kind: 'text' },
      { header: 'Koperasi', kind: 'text' },
      { header: 'Nomor pesanan', kind: 'text' },
      { header: 'Tanggal kirim', kind: 'date' },
      { header: 'Total (Rp)', kind: 'money' },
      { header: 'Dibayar (Rp)', kind: 'money' },
      { header: 'Sisa (Rp)', kind: 'money' },
      { header: 'Status', kind: 'text' },
    ];
    const write = (sink: RowSink) =>
      ReadSnapshot.run(this.dataSource, async (snapshot) => {
        let total = 0n;
        let paid = 0n;
        for await (const rows of snapshot.pages<InvoiceRow>(INVOICES_SQL, this.instantParameters(period))) {
          for (const row of rows) {
            const rowTotal = BigInt(row.total);
            const rowPaid = BigInt(row.paid);
            total += rowTotal;
            paid += rowPaid;
            await sink.row([
              row.number,
              this.localInstant(row.issued_at, period),
              row.kitchen_name,
              row.cooperative_name,
              row.order_number,
              row.delivery_date,
              rowTotal,
              rowPaid,
              rowTotal - rowPaid,
              row.status,
            ]);
          }
        }
        await sink.row([TOTAL, null, null, null, null, null, total, paid, total - paid, null]);
        await sink.end();
      });
    return { columns, write };
  }

  /** Consignment payables of the region's cooperatives owed in the period, then a TOTAL row. */
  private payables(period: Period): Pick<PreparedExport, 'columns' | 'write'> {
    const columns: ExportColumn[] = [
      { header: 'Dibuat', kind: 'instant' },
      { header: 'Konsinyor', kind: 'text' },
      { header: 'Koperasi', kind: 'text' },
      { header: 'ID lot', kind: 'text' },
      { header: 'Komoditas', kind: 'text' },
      { header: 'Nomor pesanan', kind: 'text' },
      { header: 'Kuantitas', kind: 'quantity' },
      { header: 'Harga pokok per satuan (Rp)', kind: 'money' },
      { header: 'Jumlah (Rp)', kind: 'money' },
      { header: 'Belum dilunasi (Rp)', kind: 'money' },
      { header: 'Status', kind: 'text' },
      { header: 'Dilunasi', kind: 'instant' },
      { header: 'Referensi pelunasan', kind: 'text' },
    ];
    const write = (sink: RowSink) =>
      ReadSnapshot.run(this.dataSource, async (snapshot) => {
        let amount = 0n;
        let open = 0n;
        for await (const rows of snapshot.pages<PayableRow>(PAYABLES_SQL, this.instantParameters(period))) {
          for (const row of rows) {
            const rowAmount = BigInt(row.amount);
            const rowOpen = row.status === 'PAID' ? 0n : rowAmount;
            amount += rowAmount;
            open += rowOpen;
            await sink.row([
              this.localInstant(row.created_at, period),
              row.consignor_name,
              row.cooperative_name,
              row.stock_lot_id,
              row.commodity_name,
              row.order_number,
              decimalTextToMilli(row.quantity),
              row.unit_cost === null ? null : BigInt(row.unit_cost),
              rowAmount,
              rowOpen,
              row.status,
              row.paid_at === null ? null : this.localInstant(row.paid_at, period),
              row.settlement_reference,
            ]);
          }
        }
        await sink.row([TOTAL, null, null, null, null, null, null, null, amount, open, null, null, null]);
        await sink.end();
      });
    return { columns, write };
  }

  /** [$1 start instant, $2 end instant (exclusive), $3 region, $4 prefix] of the local dates. */
  private instantParameters(period: Period): unknown[] {
    return [
      localTimeToInstant(period.from, 0, 0, period.timeZone),
      localTimeToInstant(addDays(period.to, 1), 0, 0, period.timeZone),
      period.regionCode,
      `${period.regionCode}.%`,
    ];
  }

  /** ISO 8601 in the region's zone, e.g. 2026-12-01T09:30:00+07:00. */
  private localInstant(instant: Date, period: Period): string {
    const hours = zoneOffsetHours(period.timeZone);
    const local = new Date(instant.getTime() + hours * 3_600_000).toISOString().slice(0, 19);
    return `${local}+${String(hours).padStart(2, '0')}:00`;
  }
}

interface FulfilmentLine {
  delivery_date: string;
  kitchen_id: string;
  kitchen_name: string;
  commodity_code: string;
  commodity_name: string;
  base_unit: string;
  /** D: a demand line; O: an order line. */
  kind: 'D' | 'O';
  quantity: string;
  unit_price: string | null;
  accepted: string | null;
  rejected: string | null;
}

/**
 * The report's demand lines and order lines (its own filters, shared), sorted so each
 * date × kitchen × commodity comes together.
 */
const FULFILMENT_LINES_SQL = `
  SELECT x.delivery_date::text AS delivery_date, k.id AS kitchen_id, k.name AS kitchen_name,
         x.commodity_code, c.name_id AS commodity_name, c.base_unit, x.kind,
         x.quantity::text AS quantity, x.unit_price::text AS unit_price,
         x.accepted::text AS accepted, x.rejected::text AS rejected
    FROM (
      SELECT d.delivery_date, d.kitchen_id, l.commodity_code, 'D' AS kind, l.quantity,
             NULL::bigint AS unit_price, NULL::numeric AS accepted, NULL::numeric AS rejected
        FROM demand_line l JOIN demand_request d ON d.id = l.demand_id
        JOIN organization k ON k.id = d.kitchen_id
       WHERE ${COUNTED_DEMAND} AND ${KITCHEN_IN_REGION}
      UNION ALL
      SELECT o.delivery_date, o.kitchen_id, l.commodity_code, 'O', l.quantity,
             l.unit_price, l.accepted_quantity, l.rejected_quantity
        FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        JOIN organization k ON k.id = o.kitchen_id
       WHERE ${COUNTED_ORDER} AND ${KITCHEN_IN_REGION}
    ) x
    JOIN organization k ON k.id = x.kitchen_id
    JOIN commodity c ON c.code = x.commodity_code
   ORDER BY x.delivery_date, k.name, k.id, x.commodity_code`;

interface Figures {
  demanded: number;
  awarded: number;
  received: number;
  rejected: number;
  inspected: number;
  billable: number;
  spend: bigint;
  spendAtReference: bigint;
}

function emptyFigures(): Figures {
  return {
    demanded: 0,
    awarded: 0,
    received: 0,
    rejected: 0,
    inspected: 0,
    billable: 0,
    spend: 0n,
    spendAtReference: 0n,
  };
}

/** fulfilmentReport's arithmetic for one line (rounded once per line, like an invoice). */
function addLine(figures: Figures, line: FulfilmentLine, references: Map<string, bigint>): void {
  const quantity = decimalTextToMilli(line.quantity);
  if (line.kind === 'D') {
    figures.demanded += quantity;
    return;
  }
  const accepted = line.accepted === null ? null : decimalTextToMilli(line.accepted);
  const rejected = line.rejected === null ? 0 : decimalTextToMilli(line.rejected);
  const price = BigInt(line.unit_price!);
  const billable = billableMilli(quantity, accepted);
  figures.awarded += quantity;
  figures.received += accepted ?? 0;
  figures.rejected += rejected;
  figures.inspected += accepted === null ? 0 : accepted + rejected;
  figures.billable += billable;
  figures.spend += lineAmount(price, billable);
  figures.spendAtReference += lineAmount(references.get(line.commodity_code) ?? price, billable);
}

function figureCells(f: Figures): Cell[] {
  return [
    f.demanded,
    f.awarded,
    f.received,
    f.rejected,
    f.inspected,
    f.billable,
    f.spend,
    f.spendAtReference,
  ];
}

function yesNo(value: boolean): string {
  return value ? 'Ya' : 'Tidak';
}

interface InvoiceRow {
  number: string;
  issued_at: Date;
  kitchen_name: string;
  cooperative_name: string;
  order_number: string;
  delivery_date: string;
  total: string;
  paid: string;
  status: string;
}

/** Invoices of the region's kitchens issued in [$1, $2), oldest first. */
const INVOICES_SQL = `
  SELECT i.number, i.issued_at, k.name AS kitchen_name, c.name AS cooperative_name,
         o.number AS order_number, o.delivery_date::text AS delivery_date,
         i.total::text AS total, i.paid::text AS paid, i.status
    FROM invoice i
    JOIN organization k ON k.id = i.kitchen_id
    JOIN organization c ON c.id = i.cooperative_id
    JOIN purchase_order o ON o.id = i.order_id
   WHERE i.issued_at >= $1 AND i.issued_at < $2 AND ${KITCHEN_IN_REGION}
   ORDER BY i.issued_at, i.id`;

interface PayableRow {
  created_at: Date;
  consignor_name: string;
  cooperative_name: string;
  stock_lot_id: string;
  commodity_name: string;
  order_number: string;
  quantity: string;
  unit_cost: string | null;
  amount: string;
  status: string;
  paid_at: Date | null;
  settlement_reference: string | null;
}

/**
 * Consignment payables of order lines (as consignmentPayables lists them; Trade Center ones are
 * on their allotments) of the region's cooperatives, owed in [$1, $2), oldest first. The
 * region test is the shared one on alias k, here the cooperative.
 */
const PAYABLES_SQL = `
  SELECT p.created_at, s.name AS consignor_name, k.name AS cooperative_name, p.stock_lot_id,
         cm.name_id AS commodity_name, o.number AS order_number, p.quantity::text AS quantity,
         lot.unit_cost::text AS unit_cost, p.amount::text AS amount, p.status, p.paid_at,
         p.settlement_reference
    FROM consignment_payable p
    JOIN organization k ON k.id = p.cooperative_id
    JOIN organization s ON s.id = p.consignor_id
    JOIN stock_lot lot ON lot.id = p.stock_lot_id
    JOIN commodity cm ON cm.code = lot.commodity_code
    JOIN order_line l ON l.id = p.order_line_id
    JOIN purchase_order o ON o.id = l.order_id
   WHERE p.order_line_id IS NOT NULL AND p.created_at >= $1 AND p.created_at < $2
     AND ${KITCHEN_IN_REGION}
   ORDER BY p.created_at, p.id`;
