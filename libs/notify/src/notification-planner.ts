import type { EntityManager } from 'typeorm';
import type { NotificationKind } from './notification-kinds.js';
import { parseCloseMoment } from './notification-events.js';
import { localTime, perLanguage, quantity, rupiah, type Bilingual } from './notification-texts.js';

/** Who hears one message of an event: organisations' users, or a region's coordinators. */
export interface Audience {
  kind: NotificationKind;
  organizationIds?: string[];
  /** CITY_COORDINATOR users whose region contains this code. */
  coordinatorsOf?: string;
  entityType: string | null;
  entityId: string | null;
  text: Bilingual;
}

type Row = Record<string, any>;

/**
 * Works out, from the committed state, who hears an event and what it says. Read-only SQL over
 * the owning libs' tables (a documented exception in eslint.config.js: a notification needs
 * facts from every part of the system, and calling nine services per event would be the
 * slowest part of the fan-out). Each audience only ever sees its own prices and quantities.
 */
export async function planAudiences(
  db: EntityManager,
  kind: NotificationKind,
  subjectId: string,
): Promise<Audience[]> {
  const q = (sql: string, params: unknown[]) => db.query(sql, params) as Promise<Row[]>;
  switch (kind) {
    case 'DEMAND_OPENED':
    case 'BIDDING_CLOSING': {
      const moment = parseCloseMoment(subjectId);
      if (!moment) return [];
      const demands = await q(
        `SELECT d.id, l.commodity_code, c.name AS name_en, c.name_id
           FROM demand_request d JOIN demand_line l ON l.demand_id = d.id
           JOIN commodity c ON c.code = l.commodity_code
          WHERE d.market_code = $1 AND d.bidding_closes_at = $2 AND d.status = 'OPEN'`,
        [moment.marketCode, moment.closesAt],
      );
      if (demands.length === 0) return [];
      const kitchens = new Set(demands.map((row) => row.id as string)).size;
      const codes = [...new Set(demands.map((row) => row.commodity_code as string))];
      const names = (language: 'en' | 'id') =>
        [...new Set(demands.map((row) => (language === 'en' ? row.name_en : row.name_id) as string))]
          .slice(0, 6)
          .join(', ');
      const closes = moment.closesAt;
      if (kind === 'DEMAND_OPENED') {
        const coops = await q(
          `SELECT id FROM organization WHERE kind = 'COOPERATIVE' AND NOT suspended
              AND (region_code = $1 OR region_code LIKE $1 || '.%')`,
          [moment.marketCode],
        );
        return [
          {
            kind,
            organizationIds: coops.map((row) => row.id),
            entityType: null,
            entityId: null,
            text: perLanguage((language) =>
              language === 'id'
                ? {
                    title: `Permintaan baru: ${kitchens} dapur, ${demands.length} baris`,
                    body: `Dapur di pasar Anda membutuhkan ${names('id')}. Penawaran ditutup ${localTime(closes, 'id')}.`,
                  }
                : {
                    title: `New demand: ${kitchens} kitchen(s), ${demands.length} line(s)`,
                    body: `Kitchens in your market need ${names('en')}. Bidding closes ${localTime(closes, 'en')}.`,
                  },
            ),
          },
        ];
      }
      const holders = await q(
        `SELECT DISTINCT s.cooperative_id AS id
           FROM stock_lot s JOIN organization o ON o.id = s.cooperative_id
          WHERE s.market_code = $1 AND s.commodity_code = ANY($2::varchar[])
            AND s.quantity > s.reserved_quantity AND s.returned_at IS NULL AND NOT o.suspended`,
        [moment.marketCode, codes],
      );
      if (holders.length === 0) return [];
      return [
        {
          kind,
          organizationIds: holders.map((row) => row.id),
          entityType: null,
          entityId: null,
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `Penawaran ditutup ${localTime(closes, 'id')}`,
                  body: `Masih ada permintaan untuk ${names('id')}, dan Anda punya stoknya. Kirim penawaran sebelum ditutup.`,
                }
              : {
                  title: `Bidding closes ${localTime(closes, 'en')}`,
                  body: `Kitchens still want ${names('en')}, which you have in stock. Offer before bidding closes.`,
                },
          ),
        },
      ];
    }
    case 'OFFER_AWARDED':
    case 'OFFER_NOT_AWARDED': {
      // Subject: the evaluated batch. Each cooperative hears only of its own offers and prices.
      const rows = await q(
        `SELECT o.cooperative_id, o.demand_id, c.name AS name_en, c.name_id, o.unit_price::text AS unit_price,
                e.awarded_quantity::text AS awarded
           FROM offer_evaluation e JOIN offer o ON o.id = e.offer_id
           JOIN demand_line l ON l.id = o.demand_line_id JOIN commodity c ON c.code = l.commodity_code
          WHERE e.batch_id = $1 ORDER BY o.cooperative_id, c.name`,
        [subjectId],
      );
      const byCoop = new Map<string, Row[]>();
      for (const row of rows)
        byCoop.set(row.cooperative_id, [...(byCoop.get(row.cooperative_id) ?? []), row]);
      return [...byCoop].map(([cooperativeId, offers]) => {
        const won = offers.filter((offer) => Number(offer.awarded) > 0);
        const lost = offers.length - won.length;
        const list = (language: 'en' | 'id') =>
          won
            .map(
              (offer) =>
                `${quantity(offer.awarded, language)} ${language === 'en' ? offer.name_en : offer.name_id} @ ${rupiah(offer.unit_price, language)}`,
            )
            .join('; ');
        return {
          kind: won.length > 0 ? ('OFFER_AWARDED' as const) : ('OFFER_NOT_AWARDED' as const),
          organizationIds: [cooperativeId],
          entityType: 'DemandRequest',
          entityId: offers[0]!.demand_id,
          text: perLanguage((language) =>
            won.length > 0
              ? language === 'id'
                ? {
                    title: `Penawaran Anda menang (${won.length})`,
                    body: `Dimenangkan: ${list('id')}.${lost > 0 ? ` ${lost} penawaran lain tidak menang.` : ''} Lihat pesanan Anda.`,
                  }
                : {
                    title: `Your offers won (${won.length})`,
                    body: `Awarded: ${list('en')}.${lost > 0 ? ` ${lost} other offer(s) not awarded.` : ''} See your orders.`,
                  }
              : language === 'id'
                ? {
                    title: 'Penawaran Anda tidak menang',
                    body: `${offers.length} penawaran Anda tidak dimenangkan kali ini. Lihat penjelasan penilaian.`,
                  }
                : {
                    title: 'Your offers were not awarded',
                    body: `${offers.length} offer(s) of yours were not awarded this time. See the evaluation's explanation.`,
                  },
          ),
        };
      });
    }
    case 'ORDER_CONFIRMED':
    case 'ORDER_DECLINED':
    case 'ORDER_DISPATCHED':
    case 'ORDER_RECEIVED': {
      const [order] = await q(
        `SELECT o.id, o.number, o.kitchen_id, o.cooperative_id, o.shortfall_id, o.market_code, o.total::text AS total,
                o.delivery_date::text AS delivery_date, o.decline_reason, k.name AS kitchen, c.name AS cooperative,
                (SELECT coalesce(sum(accepted_quantity), 0)::text FROM order_line WHERE order_id = o.id) AS accepted,
                (SELECT coalesce(sum(rejected_quantity), 0)::text FROM order_line WHERE order_id = o.id) AS rejected
           FROM purchase_order o JOIN organization k ON k.id = o.kitchen_id JOIN organization c ON c.id = o.cooperative_id
          WHERE o.id = $1`,
        [subjectId],
      );
      if (!order) return [];
      const base = { kind, entityType: 'PurchaseOrder', entityId: order.id as string };
      if (kind === 'ORDER_CONFIRMED')
        return [
          {
            ...base,
            // A re-awarded shortfall's cooperative heard of no evaluation: it hears of its order.
            organizationIds: order.shortfall_id
              ? [order.kitchen_id, order.cooperative_id]
              : [order.kitchen_id],
            text: perLanguage((language) =>
              language === 'id'
                ? {
                    title: `Pesanan ${order.number} dikonfirmasi`,
                    body: `${order.cooperative} akan mengirim pada ${order.delivery_date}; total ${rupiah(order.total, 'id')}.`,
                  }
                : {
                    title: `Order ${order.number} confirmed`,
                    body: `${order.cooperative} will deliver on ${order.delivery_date}; total ${rupiah(order.total, 'en')}.`,
                  },
            ),
          },
        ];
      if (kind === 'ORDER_DECLINED') {
        const text = perLanguage((language) =>
          language === 'id'
            ? {
                title: `Pesanan ${order.number} ditolak koperasi`,
                body: `${order.cooperative} menolak pesanan untuk ${order.kitchen}: ${order.decline_reason ?? ''}. Kekurangannya ditawarkan ulang.`,
              }
            : {
                title: `Order ${order.number} declined`,
                body: `${order.cooperative} declined the order for ${order.kitchen}: ${order.decline_reason ?? ''}. The shortfall is being re-awarded.`,
              },
        );
        return [
          { ...base, organizationIds: [order.kitchen_id], text },
          { ...base, coordinatorsOf: order.market_code, text },
        ];
      }
      if (kind === 'ORDER_DISPATCHED')
        return [
          {
            ...base,
            organizationIds: [order.kitchen_id],
            text: perLanguage((language) =>
              language === 'id'
                ? {
                    title: `Pesanan ${order.number} dalam perjalanan`,
                    body: `${order.cooperative} telah mengirim pesanan Anda. Periksa barang saat tiba.`,
                  }
                : {
                    title: `Order ${order.number} is on its way`,
                    body: `${order.cooperative} dispatched your order. Inspect the goods when they arrive.`,
                  },
            ),
          },
        ];
      return [
        {
          ...base,
          organizationIds: [order.cooperative_id],
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `Pesanan ${order.number} diterima`,
                  body: `${order.kitchen} menerima ${quantity(order.accepted, 'id')} dan menolak ${quantity(order.rejected, 'id')}.`,
                }
              : {
                  title: `Order ${order.number} received`,
                  body: `${order.kitchen} accepted ${quantity(order.accepted, 'en')} and rejected ${quantity(order.rejected, 'en')}.`,
                },
          ),
        },
      ];
    }
    case 'SHORTFALL': {
      const [shortfall] = await q(
        `SELECT s.id, s.source, s.quantity::text AS quantity, d.kitchen_id, d.market_code, c.name AS name_en, c.name_id
           FROM shortfall s JOIN demand_line l ON l.id = s.demand_line_id JOIN demand_request d ON d.id = l.demand_id
           JOIN commodity c ON c.code = l.commodity_code WHERE s.id = $1`,
        [subjectId],
      );
      if (!shortfall) return [];
      const text = perLanguage((language) =>
        language === 'id'
          ? {
              title: `Kekurangan ${quantity(shortfall.quantity, 'id')} ${shortfall.name_id}`,
              body: `${shortfall.source === 'DECLINE' ? 'Pesanan ditolak' : 'Barang ditolak saat diterima'}; kekurangannya sedang ditawarkan ke koperasi lain.`,
            }
          : {
              title: `Shortfall of ${quantity(shortfall.quantity, 'en')} ${shortfall.name_en}`,
              body: `${shortfall.source === 'DECLINE' ? 'An order was declined' : 'Goods were rejected on receipt'}; the quantity is being re-awarded to other cooperatives.`,
            },
      );
      const base = { kind, entityType: 'Shortfall', entityId: shortfall.id as string, text };
      return [
        { ...base, organizationIds: [shortfall.kitchen_id] },
        { ...base, coordinatorsOf: shortfall.market_code },
      ];
    }
    case 'INVOICE_ISSUED': {
      const [invoice] = await q(
        `SELECT i.id, i.number, i.kitchen_id, i.total::text AS total, c.name AS cooperative
           FROM invoice i JOIN organization c ON c.id = i.cooperative_id WHERE i.id = $1`,
        [subjectId],
      );
      if (!invoice) return [];
      return [
        {
          kind,
          organizationIds: [invoice.kitchen_id],
          entityType: 'Invoice',
          entityId: invoice.id,
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `Tagihan ${invoice.number}`,
                  body: `${invoice.cooperative} menagih ${rupiah(invoice.total, 'id')} untuk barang yang Anda terima.`,
                }
              : {
                  title: `Invoice ${invoice.number}`,
                  body: `${invoice.cooperative} invoiced ${rupiah(invoice.total, 'en')} for the goods you received.`,
                },
          ),
        },
      ];
    }
    case 'PAYMENT_RECEIVED': {
      const [payment] = await q(
        `SELECT p.id, p.amount::text AS amount, i.number, i.cooperative_id, k.name AS kitchen
           FROM payment p JOIN invoice i ON i.id = p.invoice_id JOIN organization k ON k.id = i.kitchen_id
          WHERE p.id = $1`,
        [subjectId],
      );
      if (!payment) return [];
      return [
        {
          kind,
          organizationIds: [payment.cooperative_id],
          entityType: 'Payment',
          entityId: payment.id,
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `Pembayaran ${rupiah(payment.amount, 'id')} diterima`,
                  body: `${payment.kitchen} membayar tagihan ${payment.number}.`,
                }
              : {
                  title: `Payment of ${rupiah(payment.amount, 'en')} received`,
                  body: `${payment.kitchen} paid invoice ${payment.number}.`,
                },
          ),
        },
      ];
    }
    case 'PAYABLE_SETTLED': {
      const [payable] = await q(
        `SELECT p.id, p.amount::text AS amount, p.consignor_id, p.settlement_reference, c.name AS cooperative
           FROM consignment_payable p JOIN organization c ON c.id = p.cooperative_id WHERE p.id = $1`,
        [subjectId],
      );
      if (!payable) return [];
      return [
        {
          kind,
          organizationIds: [payable.consignor_id],
          entityType: 'ConsignmentPayable',
          entityId: payable.id,
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `${payable.cooperative} membayar ${rupiah(payable.amount, 'id')}`,
                  body: `Hasil penjualan titipan Anda telah dibayar (referensi ${payable.settlement_reference ?? '-'}).`,
                }
              : {
                  title: `${payable.cooperative} paid you ${rupiah(payable.amount, 'en')}`,
                  body: `Your consigned goods' proceeds were settled (reference ${payable.settlement_reference ?? '-'}).`,
                },
          ),
        },
      ];
    }
    case 'ALERT':
    case 'CERTIFICATE_EXPIRING': {
      const [alert] = await q(
        `SELECT id, region_code, kind, entity_id, message_en, message_id FROM alert WHERE id = $1`,
        [subjectId],
      );
      if (!alert) return [];
      const audiences: Audience[] = [
        {
          kind: 'ALERT',
          coordinatorsOf: alert.region_code,
          entityType: 'Alert',
          entityId: alert.id,
          text: {
            en: { title: `Alert: ${alert.kind}`, body: alert.message_en },
            id: { title: `Peringatan: ${alert.kind}`, body: alert.message_id },
          },
        },
      ];
      if (alert.kind === 'CERTIFICATE_EXPIRING') {
        const [certificate] = await q(`SELECT id, organization_id FROM certificate WHERE id = $1`, [
          alert.entity_id,
        ]);
        if (certificate)
          audiences.push({
            kind: 'CERTIFICATE_EXPIRING',
            organizationIds: [certificate.organization_id],
            entityType: 'Certificate',
            entityId: certificate.id,
            text: {
              en: { title: 'A certificate expires soon', body: alert.message_en },
              id: { title: 'Sertifikat segera berakhir', body: alert.message_id },
            },
          });
      }
      return audiences;
    }
    case 'TRADE_SHIPMENT_OPEN': {
      // Subject: the contract; every cooperative of its regency hears of its shipments once.
      const [contract] = await q(
        `SELECT t.id, t.number, t.region_code, t.buyer_name, t.destination, t.total_quantity::text AS total,
                c.name AS name_en, c.name_id, c.base_unit,
                (SELECT min(pledges_close_at) FROM trade_shipment WHERE contract_id = t.id) AS closes
           FROM trade_contract t JOIN commodity c ON c.code = t.commodity_code WHERE t.id = $1`,
        [subjectId],
      );
      if (!contract) return [];
      const coops = await q(
        `SELECT id FROM organization WHERE kind = 'COOPERATIVE' AND NOT suspended
            AND (region_code = $1 OR region_code LIKE $1 || '.%')`,
        [contract.region_code],
      );
      return [
        {
          kind,
          organizationIds: coops.map((row) => row.id),
          entityType: 'TradeContract',
          entityId: contract.id,
          text: perLanguage((language) =>
            language === 'id'
              ? {
                  title: `Kontrak Trade Center ${contract.number} dibuka`,
                  body: `${quantity(contract.total, 'id')} ${contract.base_unit} ${contract.name_id} untuk ${contract.buyer_name}, ${contract.destination}. Janjikan stok sebelum ${localTime(new Date(contract.closes), 'id')}.`,
                }
              : {
                  title: `Trade Center contract ${contract.number} is open`,
                  body: `${quantity(contract.total, 'en')} ${contract.base_unit} of ${contract.name_en} for ${contract.buyer_name}, ${contract.destination}. Pledge stock before ${localTime(new Date(contract.closes), 'en')}.`,
                },
          ),
        },
      ];
    }
    case 'TRADE_ALLOTTED': {
      const rows = await q(
        `SELECT p.cooperative_id, s.id AS shipment_id, s.sequence, t.number,
                coalesce((SELECT sum(a.quantity) FROM trade_allotment a WHERE a.pledge_id = p.id), 0)::text AS allotted
           FROM trade_pledge p JOIN trade_shipment s ON s.id = p.shipment_id JOIN trade_contract t ON t.id = s.contract_id
          WHERE p.shipment_id = $1 AND p.status <> 'WITHDRAWN'`,
        [subjectId],
      );
      const byCoop = new Map<string, { allotted: number; row: Row }>();
      for (const row of rows) {
        const seen = byCoop.get(row.cooperative_id);
        byCoop.set(row.cooperative_id, { allotted: (seen?.allotted ?? 0) + Number(row.allotted), row });
      }
      return [...byCoop].map(([cooperativeId, { allotted, row }]) => ({
        kind,
        organizationIds: [cooperativeId],
        entityType: 'Shipment',
        entityId: row.shipment_id,
        text: perLanguage((language) =>
          language === 'id'
            ? {
                title: `Pembagian kiriman ${row.number} #${row.sequence}`,
                body:
                  allotted > 0
                    ? `Anda mendapat bagian ${quantity(allotted, 'id')}. Bawa barang ke Trade Center sebelum batas konsolidasi.`
                    : 'Janji stok Anda tidak mendapat bagian kali ini.',
              }
            : {
                title: `Shipment ${row.number} #${row.sequence} allotted`,
                body:
                  allotted > 0
                    ? `You were allotted ${quantity(allotted, 'en')}. Bring the goods to the Trade Center before consolidation closes.`
                    : 'Your pledge was not allotted this time.',
              },
        ),
      }));
    }
  }
}
